import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testBackends } from '../testing/backends.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import type { ConnectionRecord } from './connections.ts'
import { takeDocuments } from './documents.ts'
import { hostConnection } from './host.ts'
import { connectorRegistry } from './registry.ts'
import { remapWaiting } from './remap.ts'
import { MAX_RETRY_REFS, retryDocuments } from './retry.ts'
import { type Source, type SourceCalls, sourceConnector, startSource } from './test-source.ts'
import { connectTenant } from './test-support.ts'

describe.each(testBackends())('a retry of documents that did not become invoices (%s)', (backend) => {
  const calls: SourceCalls = { maps: [] }
  // One connector reads a document again from the source; the other can only map it as it was pulled.
  const reading = sourceConnector(calls, { readsOne: true })
  const stored = sourceConnector(calls, { id: 'stored' })
  const registry = connectorRegistry([reading, stored])
  let context: TestContext
  let source: Source
  let connection: ConnectionRecord
  let storedConnection: ConnectionRecord

  beforeAll(async () => {
    context = await openTestContext(backend)
    source = await startSource()
    connection = await connectTenant(context, registry, 'acme', {
      connector: 'source',
      settings: { baseUrl: source.origin },
      secrets: { apiKey: source.apiKey },
    })
    storedConnection = await connectTenant(context, registry, 'acme', {
      connector: 'stored',
      settings: { baseUrl: source.origin },
      secrets: { apiKey: source.apiKey },
    })
  })
  afterAll(async () => {
    await context.close()
    await source.close()
  })

  const workOf = (which: ConnectionRecord) =>
    hostConnection(
      context,
      { registry },
      which.connector === 'source' ? reading : stored,
      which,
      new AbortController().signal,
    )
  const pull = async (which: ConnectionRecord) =>
    takeDocuments(
      context,
      which.connector === 'source' ? reading : stored,
      await workOf(which),
      which,
      source.items.map((item) => ({ ref: item.ref, data: item })),
    )
  const remap = async (which: ConnectionRecord) =>
    remapWaiting(context, which.connector === 'source' ? reading : stored, await workOf(which), which, 10)
  const row = (which: ConnectionRecord, ref: string) =>
    context.db
      .selectFrom('source_documents')
      .selectAll()
      .where('connection_id', '=', which.id)
      .where('ref', '=', ref)
      .executeTakeFirstOrThrow()

  it('reads a document again from the source once the fix was made elsewhere, and it becomes an invoice', async () => {
    source.items.push({ ref: 'no-nip', number: 'FV/R/1', kind: 'unmappable' }, { ref: 'fine', number: 'FV/R/2' })
    await pull(connection)
    expect(await row(connection, 'no-nip')).toMatchObject({ state: 'unmappable', code: 'BUYER_NIP_MISSING' })
    // Fixed in the source: a pull of unchanged listings would never map it again (its digest is the same).
    Object.assign(source.items[0] as object, { kind: 'ok' })
    expect(await retryDocuments(context, 'acme', connection.name, ['no-nip', 'no-nip'], 'api:acme')).toBe(1)
    expect(await row(connection, 'no-nip')).toMatchObject({ state: 'waiting', reason: 'a retry was asked for' })
    // The pull that maps it is asked for.
    const asked = await context.db
      .selectFrom('connections')
      .select('pull_requested_at')
      .where('id', '=', connection.id)
      .executeTakeFirstOrThrow()
    expect(asked.pull_requested_at).not.toBeNull()
    expect(await remap(connection)).toBe(1)
    const done = await row(connection, 'no-nip')
    expect(done).toMatchObject({ state: 'submitted', code: null })
    expect(done.invoice_id).not.toBeNull()
    const audit = await context.db
      .selectFrom('audit_log')
      .select(['actor', 'details'])
      .where('kind', '=', 'document.retry')
      .executeTakeFirstOrThrow()
    expect(audit).toMatchObject({ actor: 'api:acme', details: { connection: connection.name, refs: ['no-nip'] } })
  })

  it('maps a document as it was pulled when its connector cannot read one again', async () => {
    source.items.length = 0
    source.items.push({ ref: 'kept', number: 'FV/S/1', kind: 'unmappable' })
    await pull(storedConnection)
    const before = calls.maps.filter((ref) => ref === 'kept').length
    Object.assign(source.items[0] as object, { kind: 'ok' })
    await retryDocuments(context, 'acme', storedConnection.id, ['kept'], 'api:acme')
    expect(await remap(storedConnection)).toBe(1)
    expect(calls.maps.filter((ref) => ref === 'kept').length).toBe(before + 1)
    // The stored document still says what it said: the fix must reach the document itself.
    expect(await row(storedConnection, 'kept')).toMatchObject({ state: 'unmappable', code: 'BUYER_NIP_MISSING' })
  })

  it('skips a document the source no longer has', async () => {
    source.items.length = 0
    source.items.push({ ref: 'gone', number: 'FV/G/1', kind: 'unmappable' })
    await pull(connection)
    source.items.length = 0
    await retryDocuments(context, 'acme', connection.name, ['gone'], 'api:acme')
    await remap(connection)
    expect(await row(connection, 'gone')).toMatchObject({
      state: 'skipped',
      reason: 'the source system no longer has this document',
    })
  })

  it('refuses an unknown document, one that is an invoice, and too many at once, changing nothing', async () => {
    source.items.length = 0
    source.items.push({ ref: 'still-bad', number: 'FV/B/1', kind: 'unmappable' })
    await pull(connection)
    await expect(
      retryDocuments(context, 'acme', connection.name, ['still-bad', 'nowhere'], 'api:acme'),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', message: `connection ${connection.name} has no document nowhere` })
    await expect(
      retryDocuments(context, 'acme', connection.name, ['still-bad', 'fine'], 'api:acme'),
    ).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      message: expect.stringContaining('document fine already became invoice'),
    })
    expect(await row(connection, 'still-bad')).toMatchObject({ state: 'unmappable' })
    const many = Array.from({ length: MAX_RETRY_REFS + 1 }, (_, index) => `d${index}`)
    await expect(retryDocuments(context, 'acme', connection.name, many, 'api:acme')).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
    })
    await expect(retryDocuments(context, 'other', connection.name, ['still-bad'], 'api:other')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })
})
