import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { QUEUES } from '../queue/queues.ts'
import { testBackends } from '../testing/backends.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import type { ConnectionRecord } from './connections.ts'
import { markNeedsReauth } from './health.ts'
import { type PullJob, pullHandler } from './pull.ts'
import { connectorRegistry } from './registry.ts'
import { type Source, type SourceCalls, sourceConnector, startSource } from './test-source.ts'
import { connectTenant, fakeJob } from './test-support.ts'

describe.each(testBackends())('a pull that fails (%s)', (backend) => {
  const calls: SourceCalls = { maps: [] }
  const registry = connectorRegistry([sourceConnector(calls)])
  let context: TestContext
  let source: Source
  beforeAll(async () => {
    context = await openTestContext(backend)
    source = await startSource([{ ref: 'd1', number: 'FV/1' }])
  })
  afterAll(async () => {
    await source.close()
    await context.close()
  })

  const connect = (name: string, apiKey = source.apiKey) =>
    connectTenant(context, registry, 'acme', {
      name,
      connector: 'source',
      settings: { baseUrl: source.origin },
      secrets: { apiKey },
    })
  const pull = (connection: ConnectionRecord, extra: Partial<PullJob> = {}) =>
    pullHandler(context, { registry })(
      fakeJob<PullJob>({ tenantId: 'acme', connectionId: connection.id, reason: 'schedule', ...extra }),
    )
  const rowOf = (connection: ConnectionRecord) =>
    context.db.selectFrom('connections').selectAll().where('id', '=', connection.id).executeTakeFirstOrThrow()
  const eventsOf = (type: string) =>
    context.db
      .selectFrom('events')
      .select(['type', 'data'])
      .where('type', '=', type as never)
      .execute()

  it('parks the connection as needs_reauth when the system refuses its secrets, tells the tenant once, and completes', async () => {
    const connection = await connect('refused', 'revoked-key')
    await pull(connection)
    const row = await rowOf(connection)
    expect(row).toMatchObject({
      status: 'needs_reauth',
      status_reason: expect.stringContaining('401'),
      last_error: expect.stringContaining('401'),
      pull_lease_owner: null,
      cursor: null,
    })
    expect(await eventsOf('connection.needs_reauth')).toEqual([
      {
        type: 'connection.needs_reauth',
        data: { connection: 'refused', connector: 'source', reason: row.status_reason },
      },
    ])
    // Parked: the next pull does not try, and parking it again is not news.
    const requests = source.requests.length
    await pull(connection)
    await markNeedsReauth(context, connection, 'invalid_grant')
    expect(source.requests.length).toBe(requests)
    expect(await eventsOf('connection.needs_reauth')).toHaveLength(1)
    const audit = await context.db
      .selectFrom('audit_log')
      .select('kind')
      .where('kind', '=', 'connection.needs_reauth')
      .execute()
    expect(audit).toHaveLength(1)
  })

  it('defers to the system’s Retry-After when rate-limited, as a new job, and completes this one', async () => {
    const connection = await connect('limited')
    source.faults.push({ status: 429, headers: { 'retry-after': '120' } })
    const before = Date.now()
    await pull(connection, { reason: 'webhook' })
    const [deferred, ...more] = await context.boss.findJobs<PullJob>(QUEUES.connectionPull, {
      data: { connectionId: connection.id },
      queued: true,
    })
    expect(more).toEqual([])
    expect(deferred?.data).toEqual({ tenantId: 'acme', connectionId: connection.id, reason: 'webhook', deferrals: 1 })
    const wait = (deferred?.startAfter.getTime() ?? 0) - before
    expect(wait).toBeGreaterThanOrEqual(119_000)
    expect(wait).toBeLessThan(125_000)
    expect(await rowOf(connection)).toMatchObject({
      status: 'active',
      pull_lease_owner: null,
      last_error: expect.stringContaining('429'),
      cursor: null,
    })
  })

  it('stops deferring after 50 deferrals in a row: the queue’s retries take over', async () => {
    const connection = await connect('always-limited')
    source.faults.push({ status: 429, headers: { 'retry-after': '120' } })
    await expect(pull(connection, { deferrals: 50 })).rejects.toMatchObject({ kind: 'rate_limit' })
    expect(await rowOf(connection)).toMatchObject({ pull_lease_owner: null })
  })

  it('leaves a transient failure to the queue’s retries, with the error recorded until a pull goes through', async () => {
    const connection = await connect('flaky')
    // The HTTP client tries three times within one pull.
    source.faults.push({ status: 503 }, { status: 503 }, { status: 503 })
    await expect(pull(connection)).rejects.toMatchObject({ kind: 'transient' })
    expect(await rowOf(connection)).toMatchObject({
      last_error: expect.stringContaining('503'),
      last_error_at: expect.any(Date),
      pull_lease_owner: null,
      cursor: null,
    })
    await pull(connection)
    expect(await rowOf(connection)).toMatchObject({ last_error: null, last_error_at: null, cursor: { after: 1 } })
  })

  it('completes on a failure a person must fix (a missing permission), with the error recorded', async () => {
    const connection = await connect('forbidden')
    source.faults.push({ status: 403, body: 'scope invoices.read missing' })
    await pull(connection)
    expect(await rowOf(connection)).toMatchObject({
      status: 'active',
      last_error: expect.stringContaining('403'),
      pull_lease_owner: null,
    })
    const queued = await context.boss.findJobs(QUEUES.connectionPull, {
      data: { connectionId: connection.id },
      queued: true,
    })
    expect(queued).toEqual([])
  })
})
