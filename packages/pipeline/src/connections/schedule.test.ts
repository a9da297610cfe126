import { sql } from 'kysely'
import type { Job } from 'pg-boss'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { QUEUES } from '../queue/queues.ts'
import { disableTenant } from '../tenants/lifecycle.ts'
import { testBackends } from '../testing/backends.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import type { ConnectionRecord } from './connections.ts'
import { markNeedsReauth } from './health.ts'
import { type PullJob, pullHandler } from './pull.ts'
import { connectorRegistry } from './registry.ts'
import { scheduleConnections } from './schedule.ts'
import { sourceConnector } from './test-source.ts'
import { connectTenant, OTHER_NIP } from './test-support.ts'

const registry = connectorRegistry([
  // The default: every 5 minutes.
  sourceConnector({ maps: [] }),
  sourceConnector({ maps: [] }, { id: 'hourly', everyMinutes: 60 }),
  sourceConnector({ maps: [] }, { id: 'tunable', everyMinutes: (settings) => settings.everyMinutes ?? 30 }),
])

describe.each(testBackends())('the connections’ chore (%s)', (backend) => {
  let context: TestContext
  let offsetMs = 0
  const minutes = (count: number) => count * 60_000
  beforeAll(async () => {
    context = await openTestContext(backend, { now: () => new Date(Date.now() + offsetMs) })
  })
  afterAll(() => context.close())
  beforeEach(async () => {
    await context.boss.deleteQueuedJobs(QUEUES.connectionPull)
    await context.db.updateTable('connections').set({ enabled: false }).execute()
  })

  let made = 0
  async function connection(
    connector: string,
    lastPullMinutesAgo: number | null,
    settings: Record<string, unknown> = {},
  ) {
    made += 1
    const saved = await connectTenant(context, registry, 'acme', {
      name: `${connector}-${made}`,
      connector,
      settings: { baseUrl: 'http://127.0.0.1:9', ...settings },
      secrets: { apiKey: 'k' },
    })
    if (lastPullMinutesAgo !== null) {
      await context.db
        .updateTable('connections')
        .set({ last_pull_started_at: new Date(context.now().getTime() - minutes(lastPullMinutesAgo)) })
        .where('id', '=', saved.id)
        .execute()
    }
    return saved
  }
  const asked = async (connections: ConnectionRecord[]) => {
    const reasons = []
    for (const each of connections) {
      const jobs = await context.boss.findJobs<PullJob>(QUEUES.connectionPull, {
        data: { connectionId: each.id },
        queued: true,
      })
      reasons.push(jobs.map((job) => job.data.reason).join(',') || '-')
    }
    return reasons
  }

  it('asks for a pull of each connection whose interval has passed, by its connector’s interval', async () => {
    const connections = [
      await connection('source', null),
      await connection('source', 4),
      await connection('source', 6),
      await connection('hourly', 59),
      await connection('hourly', 61),
      await connection('tunable', 25),
      await connection('tunable', 25, { everyMinutes: 20 }),
      await connection('tunable', 25, { everyMinutes: 45 }),
    ]
    expect(await scheduleConnections(context, registry)).toBe(4)
    expect(await asked(connections)).toEqual(['schedule', '-', 'schedule', '-', 'schedule', '-', 'schedule', '-'])
  })

  it('leaves out connections that are off, parked, of a disabled tenant, or of a connector not installed', async () => {
    const off = await connection('source', null)
    await context.db.updateTable('connections').set({ enabled: false }).where('id', '=', off.id).execute()
    const parked = await connection('source', null)
    await markNeedsReauth(context, parked, 'revoked')
    const elsewhere = await connectTenant(
      context,
      registry,
      'paused',
      { connector: 'source', settings: { baseUrl: 'http://127.0.0.1:9' }, secrets: { apiKey: 'k' } },
      OTHER_NIP,
    )
    await disableTenant(context.db, 'paused', { actor: 'cli' })
    const orphan = await connection('source', null)
    await context.db.updateTable('connections').set({ connector: 'uninstalled' }).where('id', '=', orphan.id).execute()
    expect(await scheduleConnections(context, registry)).toBe(0)
    expect(await asked([off, parked, elsewhere, orphan])).toEqual(['-', '-', '-', '-'])
  })

  it('asks for a remap of connections with waiting documents whose time has come', async () => {
    const due = await connection('source', 1)
    const later = await connection('source', 1)
    const wait = (each: ConnectionRecord, ref: string, retryAt: Date) =>
      context.db
        .insertInto('source_documents')
        .values({
          connection_id: each.id,
          ref,
          tenant_id: 'acme',
          state: 'waiting',
          data: '{}',
          data_hash: 'h',
          retry_at: retryAt,
        })
        .execute()
    await wait(due, 'credit-1', new Date(context.now().getTime() - 1000))
    await wait(later, 'credit-2', new Date(context.now().getTime() + minutes(10)))
    expect(await scheduleConnections(context, registry)).toBe(1)
    expect(await asked([due, later])).toEqual(['remap', '-'])
  })

  it('does not let remaps put off a connection’s pulls', async () => {
    const busy = await connection('source', 4)
    await context.db
      .insertInto('source_documents')
      .values({
        connection_id: busy.id,
        ref: 'credit',
        tenant_id: 'acme',
        state: 'waiting',
        data: JSON.stringify({ ref: 'credit', number: 'FV/1', kind: 'wait' }),
        data_hash: 'h',
        retry_at: new Date(context.now().getTime() - 1000),
      })
      .execute()
    await scheduleConnections(context, registry)
    const [remap] = await context.boss.fetch<PullJob>(QUEUES.connectionPull)
    expect(remap?.data.reason).toBe('remap')
    await pullHandler(context, { registry })(remap as Job<PullJob>)
    await context.boss.complete(QUEUES.connectionPull, remap?.id as string)
    // Two minutes on, the connection's last pull of its source was six minutes ago: it is due.
    offsetMs += minutes(2)
    await scheduleConnections(context, registry)
    expect(await asked([busy])).toEqual(['schedule'])
  })

  it('forgets webhook deliveries older than the replay window', async () => {
    const hooked = await connection('source', 1)
    await context.db
      .insertInto('webhook_receipts')
      .values([
        { connection_id: hooked.id, delivery_id: 'old' },
        { connection_id: hooked.id, delivery_id: 'recent' },
      ])
      .execute()
    // The receipt's time is set by the database once, on insert.
    await sql`update hub.webhook_receipts set received_at = now() - interval '73 hours' where delivery_id = 'old'`.execute(
      context.db,
    )
    await scheduleConnections(context, registry)
    const left = await context.db
      .selectFrom('webhook_receipts')
      .select('delivery_id')
      .where('connection_id', '=', hooked.id)
      .execute()
    expect(left).toEqual([{ delivery_id: 'recent' }])
  })
})
