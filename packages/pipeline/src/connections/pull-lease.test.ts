import { sql } from 'kysely'
import type { Job } from 'pg-boss'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { PipelineContext } from '../context.ts'
import { QUEUES } from '../queue/queues.ts'
import { testBackends } from '../testing/backends.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import type { ConnectionRecord } from './connections.ts'
import { type PullJob, pullHandler, requestPull } from './pull.ts'
import { connectorRegistry } from './registry.ts'
import { type Source, type SourceCalls, sourceConnector, startSource } from './test-source.ts'
import { connectTenant, fakeJob, hookAfterQuery } from './test-support.ts'

describe.each(testBackends())('one pull per connection (%s)', (backend) => {
  const calls: SourceCalls = { maps: [] }
  const registry = connectorRegistry([sourceConnector(calls)])
  let context: TestContext
  let clock = Date.now()
  const sources: Source[] = []
  beforeAll(async () => {
    context = await openTestContext(backend, { now: () => new Date(clock) })
  })
  afterAll(async () => {
    for (const source of sources) await source.close()
    await context.close()
  })
  beforeEach(async () => {
    // Each test plays the other worker itself: no pull of an earlier test may be waiting in the queue.
    await context.boss.deleteQueuedJobs(QUEUES.connectionPull)
    calls.afterPage = undefined
  })

  async function setup(name: string, count: number) {
    const items = Array.from({ length: count }, (_, index) => ({
      ref: `${name}-${index + 1}`,
      number: `FV/${name}/${index + 1}`,
    }))
    const source = await startSource(items)
    sources.push(source)
    const connection = await connectTenant(context, registry, 'acme', {
      name,
      connector: 'source',
      settings: { baseUrl: source.origin, pageSize: 2 },
      secrets: { apiKey: source.apiKey },
    })
    return { source, connection }
  }
  const handler = (on: PipelineContext = context) => pullHandler(on, { registry })
  const jobFor = (connection: ConnectionRecord, id?: string) =>
    fakeJob<PullJob>({ tenantId: 'acme', connectionId: connection.id, reason: 'api' }, id ? { id } : {})
  /** What another worker does: takes the connection's waiting pull job from the queue and runs it. */
  async function anotherWorker(): Promise<number> {
    const jobs = await context.boss.fetch<PullJob>(QUEUES.connectionPull, { batchSize: 10 })
    for (const job of jobs) {
      await handler()(job as Job<PullJob>)
      await context.boss.complete(QUEUES.connectionPull, job.id)
    }
    return jobs.length
  }
  const queued = (connection: ConnectionRecord) =>
    context.boss.findJobs<PullJob>(QUEUES.connectionPull, { data: { connectionId: connection.id }, queued: true })
  const setLease = (connection: ConnectionRecord, owner: string, seconds: number) =>
    context.db
      .updateTable('connections')
      .set({ pull_lease_owner: owner, pull_lease_until: sql<Date>`now() + make_interval(secs => ${seconds})` })
      .where('id', '=', connection.id)
      .execute()

  it('keeps at most one pull waiting per connection, however often one is asked for', async () => {
    const { connection } = await setup('asked', 1)
    for (const reason of ['webhook', 'schedule', 'api'] as const) {
      await requestPull(context, { tenantId: 'acme', connectionId: connection.id, reason })
    }
    expect((await queued(connection)).map((job) => job.data.reason)).toEqual(['webhook'])
  })

  it('does not lose a pull of the source asked for while a remap waits (a remap reads nothing from it)', async () => {
    const { source, connection } = await setup('behind-remap', 1)
    await requestPull(context, { tenantId: 'acme', connectionId: connection.id, reason: 'remap' })
    await requestPull(context, { tenantId: 'acme', connectionId: connection.id, reason: 'webhook' })
    // Still one pull waiting, and it reads the source: the webhook's document comes in now, not at the next poll.
    expect((await queued(connection)).map((job) => job.data.reason)).toEqual(['webhook'])
    expect(await anotherWorker()).toBe(1)
    expect(source.requests).toEqual([0])
    // A remap asked for while a pull of the source waits is that pull (which maps the waiting documents first).
    await requestPull(context, { tenantId: 'acme', connectionId: connection.id, reason: 'api' })
    await requestPull(context, { tenantId: 'acme', connectionId: connection.id, reason: 'remap' })
    expect((await queued(connection)).map((job) => job.data.reason)).toEqual(['api'])
  })

  it('lets a pull asked for during a pull end at once, and the running pull goes round once more', async () => {
    const { source, connection } = await setup('busy', 2)
    let asked = false
    calls.afterPage = async () => {
      if (asked) return
      asked = true
      await requestPull(context, { tenantId: 'acme', connectionId: connection.id, reason: 'webhook' })
      expect(await anotherWorker()).toBe(1)
      // The other worker found the connection being pulled and read nothing.
      expect(source.requests).toEqual([0])
    }
    await handler()(jobFor(connection))
    // The running pull read once more, behind its cursor.
    expect(source.requests).toEqual([0, 2])
    expect(await queued(connection)).toEqual([])
  })

  it('goes round at most three times for requests that keep coming, then leaves the rest to a continuation', async () => {
    const { source, connection } = await setup('chatty', 1)
    calls.afterPage = async () => {
      await requestPull(context, { tenantId: 'acme', connectionId: connection.id, reason: 'webhook' })
      // The webhook's job runs at once elsewhere and finds the connection being pulled.
      expect(await anotherWorker()).toBe(1)
    }
    await handler()(jobFor(connection))
    expect(source.requests).toEqual([0, 1, 1])
    calls.afterPage = undefined
    const [continuation, ...more] = await queued(connection)
    expect(more).toEqual([])
    expect(continuation?.data.reason).toBe('continue')
  })

  it('does not lose a pull asked for between the running pull’s last look and its release', async () => {
    const { source, connection } = await setup('window', 2)
    const isLastLook = (query: { kind: string; table: string | undefined; columns: Record<string, unknown> }) =>
      query.kind === 'SelectQueryNode' && query.table === 'connections' && 'pull_requested_at' in query.columns
    const db = hookAfterQuery(context.db, isLastLook, async () => {
      await requestPull(context, { tenantId: 'acme', connectionId: connection.id, reason: 'webhook' })
      expect(await anotherWorker()).toBe(1)
    })
    await handler({ ...context, db })(jobFor(connection))
    expect(source.requests).toEqual([0])
    // The request is still answered: by a pull asked for once the lease was released.
    expect(await anotherWorker()).toBe(1)
    expect(source.requests).toEqual([0, 2])
  })

  it('takes over the lease of a pull whose worker died, and keeps away from a live one', async () => {
    const { source, connection } = await setup('orphan', 1)
    await setLease(connection, 'live-job', 120)
    await handler()(jobFor(connection))
    expect(source.requests).toEqual([])
    await setLease(connection, 'dead-job', -1)
    await handler()(jobFor(connection))
    expect(source.requests).toEqual([0])
  })

  it('lets a retried job (pg-boss keeps its id) take its own lease back at once', async () => {
    const { source, connection } = await setup('retried', 1)
    await setLease(connection, 'job-7', 120)
    await handler()(jobFor(connection, 'job-7'))
    expect(source.requests).toEqual([0])
    expect(
      (
        await context.db
          .selectFrom('connections')
          .select('pull_lease_owner')
          .where('id', '=', connection.id)
          .executeTakeFirstOrThrow()
      ).pull_lease_owner,
    ).toBeNull()
  })

  it('hands the rest to a continuation when a pull has spent its time, which can take the lease at once', async () => {
    const { source, connection } = await setup('long', 5)
    // The first page takes longer than a pull may run.
    calls.afterPage = async (cursor) => {
      if (cursor === undefined) clock += 61_000
    }
    // Another worker picks the continuation up the moment it is sent.
    const boss = new Proxy(context.boss, {
      get(target, property) {
        if (property === 'send') {
          return async (...args: Parameters<typeof target.send>) => {
            const id = await target.send(...args)
            if (args[0] === QUEUES.connectionPull) await anotherWorker()
            return id
          }
        }
        const value = Reflect.get(target, property)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    await handler({ ...context, boss })(jobFor(connection))
    expect(source.requests).toEqual([0, 2, 4])
    const row = await context.db
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', connection.id)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ cursor: { after: 5 }, pull_lease_owner: null })
  })
})
