import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PipelineContext } from '../context.ts'
import { disableTenant, enableTenant } from '../tenants/lifecycle.ts'
import { testBackends } from '../testing/backends.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import { type ConnectionRecord, saveConnection } from './connections.ts'
import { markNeedsReauth } from './health.ts'
import { type PullJob, pullHandler } from './pull.ts'
import { connectorRegistry } from './registry.ts'
import { type Source, type SourceCalls, type SourceItem, sourceConnector, startSource } from './test-source.ts'
import { connectTenant, fakeJob, recordingLogger } from './test-support.ts'

describe.each(testBackends())('pulling a connection (%s)', (backend) => {
  const calls: SourceCalls = { maps: [] }
  const registry = connectorRegistry([sourceConnector(calls)])
  let context: TestContext
  const sources: Source[] = []
  beforeAll(async () => {
    context = await openTestContext(backend)
  })
  afterAll(async () => {
    for (const source of sources) await source.close()
    await context.close()
  })

  /** A source of `count` documents (their numbers unique to the test) and a connection named `name` to it. */
  async function setup(
    name: string,
    count: number,
    extra: (item: SourceItem, index: number) => SourceItem = (item) => item,
  ) {
    const items = Array.from({ length: count }, (_, index) =>
      extra({ ref: `${name}-${index + 1}`, number: `FV/${name}/${index + 1}` }, index),
    )
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
  const pull = (connection: ConnectionRecord, on: PipelineContext = context, id?: string) =>
    pullHandler(on, { registry })(
      fakeJob<PullJob>({ tenantId: 'acme', connectionId: connection.id, reason: 'api' }, id ? { id } : {}),
    )
  const rowOf = (connection: ConnectionRecord) =>
    context.db.selectFrom('connections').selectAll().where('id', '=', connection.id).executeTakeFirstOrThrow()
  const refsSent = async (name: string) =>
    (
      await context.db
        .selectFrom('invoices')
        .select('source_ref')
        .where('source', '=', name)
        .orderBy('source_ref')
        .execute()
    ).map((row) => row.source_ref)
  const storedCount = async (connection: ConnectionRecord) =>
    Number(
      (
        await context.db
          .selectFrom('source_documents')
          .select((eb) => eb.fn.countAll().as('count'))
          .where('connection_id', '=', connection.id)
          .executeTakeFirstOrThrow()
      ).count,
    )

  it('reads pages until the source has no more, saving the cursor after each page’s documents', async () => {
    const { source, connection } = await setup('paged', 5)
    const seen: { cursor: unknown; stored: number }[] = []
    calls.afterPage = async () => {
      seen.push({ cursor: (await rowOf(connection)).cursor, stored: await storedCount(connection) })
    }
    try {
      await pull(connection)
    } finally {
      calls.afterPage = undefined
    }
    expect(source.requests).toEqual([0, 2, 4])
    // When each page was read, the cursor stood behind the documents already stored, never ahead of them.
    expect(seen).toEqual([
      { cursor: null, stored: 0 },
      { cursor: { after: 2 }, stored: 2 },
      { cursor: { after: 4 }, stored: 4 },
    ])
    const row = await rowOf(connection)
    expect(row).toMatchObject({
      cursor: { after: 5 },
      pull_lease_owner: null,
      pull_lease_until: null,
      last_error: null,
    })
    expect(row.cursor_at).toBeInstanceOf(Date)
    expect(row.last_pull_finished_at).toBeInstanceOf(Date)
    expect(await refsSent('paged')).toEqual(['paged-1', 'paged-2', 'paged-3', 'paged-4', 'paged-5'])
    // The next pull starts behind the cursor.
    await pull(connection)
    expect(source.requests).toEqual([0, 2, 4, 5])
  })

  it('leaves the cursor at the last whole page when the connector fails mid-page, and reads that page again', async () => {
    const { source, connection } = await setup('broken', 5, (item, index) =>
      index === 3 ? { ...item, kind: 'boom' } : item,
    )
    const job = fakeJob<PullJob>({ tenantId: 'acme', connectionId: connection.id, reason: 'schedule' })
    await expect(pullHandler(context, { registry })(job)).rejects.toThrow('the source locked broken-4')
    expect(await rowOf(connection)).toMatchObject({
      cursor: { after: 2 },
      last_error: 'the source locked broken-4',
      pull_lease_owner: null,
      last_pull_finished_at: null,
    })
    expect(await refsSent('broken')).toEqual(['broken-1', 'broken-2', 'broken-3'])
    // The source lets go of the document; the queue retries the same job.
    source.items[3] = { ref: 'broken-4', number: 'FV/broken/4' }
    await pullHandler(context, { registry })(job)
    expect(source.requests).toEqual([0, 2, 2, 4])
    expect(await refsSent('broken')).toEqual(['broken-1', 'broken-2', 'broken-3', 'broken-4', 'broken-5'])
    // The document stored before the failure was not mapped a second time.
    expect(calls.maps.filter((ref) => ref === 'broken-3')).toHaveLength(1)
    expect(await rowOf(connection)).toMatchObject({ cursor: { after: 5 }, last_error: null })
  })

  it('pulls from the start, with a warning, when the stored cursor no longer fits the connector', async () => {
    const { source, connection } = await setup('old-cursor', 1)
    await context.db
      .updateTable('connections')
      .set({ cursor: JSON.stringify('v1:2026-01-01') })
      .where('id', '=', connection.id)
      .execute()
    const { logger, lines } = recordingLogger()
    await pull(connection, { ...context, logger })
    expect(source.requests).toEqual([0])
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        object: { connection: 'old-cursor' },
        message: 'the stored cursor does not fit the connector: pulling from the start',
      }),
    )
    expect((await rowOf(connection)).cursor).toEqual({ after: 1 })
  })

  it('does not pull a disabled connection or one that needs re-authorization', async () => {
    const { source, connection } = await setup('parked', 1)
    await saveConnection(context.db, context.keys, registry, 'acme', {
      name: 'parked',
      connector: 'source',
      enabled: false,
    })
    await pull(connection)
    await saveConnection(context.db, context.keys, registry, 'acme', {
      name: 'parked',
      connector: 'source',
      enabled: true,
    })
    await markNeedsReauth(context, connection, 'invalid_grant')
    await pull(connection)
    expect(source.requests).toEqual([])
    expect(await rowOf(connection)).toMatchObject({ last_pull_started_at: null, pull_lease_owner: null, cursor: null })
  })

  it('does not pull a connection of a disabled tenant, whoever asked (a webhook, a continuation)', async () => {
    const { source, connection } = await setup('paused', 1)
    await disableTenant(context.db, 'acme', { actor: 'cli' })
    try {
      await pull(connection)
    } finally {
      await enableTenant(context.db, 'acme', { actor: 'cli' })
    }
    expect(source.requests).toEqual([])
    expect(await refsSent('paused')).toEqual([])
    await pull(connection)
    expect(await refsSent('paused')).toEqual(['paused-1'])
  })

  it('maps waiting documents again on a remap pull without reading the source', async () => {
    const { source, connection } = await setup('remap', 1, (item) => ({ ...item, kind: 'wait' }))
    await pull(connection)
    expect(await refsSent('remap')).toEqual([])
    // Its time has come, and its original is ready now.
    await context.db
      .updateTable('source_documents')
      .set({ retry_at: new Date(Date.now() - 1000) })
      .where('connection_id', '=', connection.id)
      .execute()
    calls.ready = new Set(['remap-1'])
    try {
      await pullHandler(context, { registry })(
        fakeJob<PullJob>({ tenantId: 'acme', connectionId: connection.id, reason: 'remap' }),
      )
    } finally {
      calls.ready = undefined
    }
    expect(source.requests).toEqual([0])
    expect(await refsSent('remap')).toEqual(['remap-1'])
  })
})
