import type { ConnectorContext } from '@ksef-hub/connector-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testBackends } from '../testing/backends.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import type { ConnectionRecord } from './connections.ts'
import { takeDocuments } from './documents.ts'
import { hostConnection } from './host.ts'
import { connectorRegistry } from './registry.ts'
import { remapWaiting } from './remap.ts'
import { type SourceCalls, type SourceItem, sourceConnector } from './test-source.ts'
import { connectTenant } from './test-support.ts'

const doc = (item: SourceItem) => ({ ref: item.ref, data: item })

describe.each(testBackends())('documents pulled again, waiting, and told about (%s)', (backend) => {
  const calls: SourceCalls = { maps: [], ready: new Set() }
  const connector = sourceConnector(calls)
  const registry = connectorRegistry([connector])
  let context: TestContext
  let connection: ConnectionRecord
  let work: ConnectorContext<unknown, unknown>
  let clock = new Date('2026-12-01T10:00:00Z')
  const advance = (ms: number) => {
    clock = new Date(clock.getTime() + ms)
  }
  beforeAll(async () => {
    context = await openTestContext(backend, { now: () => clock })
    connection = await connectTenant(context, registry, 'acme', {
      connector: 'source',
      settings: { baseUrl: 'http://127.0.0.1:9' },
      secrets: { apiKey: 'k' },
    })
    work = await hostConnection(context, { registry }, connector, connection, new AbortController().signal)
  })
  afterAll(() => context.close())

  const take = (...items: SourceItem[]) => takeDocuments(context, connector, work, connection, items.map(doc))
  const mapsOf = (ref: string) => calls.maps.filter((each) => each === ref).length
  const row = (ref: string) =>
    context.db
      .selectFrom('source_documents')
      .selectAll()
      .where('connection_id', '=', connection.id)
      .where('ref', '=', ref)
      .executeTakeFirstOrThrow()
  const secondsUntilRetry = async (ref: string) =>
    ((await row(ref)).retry_at?.getTime() ?? 0) / 1000 - clock.getTime() / 1000

  it('does not map an unchanged document again, and maps a changed one', async () => {
    const settled: SourceItem[] = [
      { ref: 'same', number: 'FV/1' },
      { ref: 'draft', number: 'FV/2', kind: 'skip' },
      { ref: 'no-nip', number: 'FV/3', kind: 'unmappable' },
    ]
    await take(...settled)
    expect(await take(...settled)).toMatchObject({ unchanged: 3, submitted: 0 })
    expect([mapsOf('same'), mapsOf('draft'), mapsOf('no-nip')]).toEqual([1, 1, 1])
    const { invoice_id: invoice } = await row('same')
    // A change the invoice does not show (a note): mapped again, and it is the same invoice.
    expect(await take({ ref: 'same', number: 'FV/1', note: 'paid' })).toMatchObject({ submitted: 1, unchanged: 0 })
    expect(mapsOf('same')).toBe(2)
    expect(await row('same')).toMatchObject({ state: 'submitted', invoice_id: invoice })
    // The draft became an invoice.
    expect(await take({ ref: 'draft', number: 'FV/2' })).toMatchObject({ submitted: 1 })
    expect(await row('draft')).toMatchObject({ state: 'submitted', reason: null })
  })

  it('keeps a document that is not ready waiting, and maps it again from the stored data with a growing wait', async () => {
    await take({ ref: 'credit', number: 'FV/10', kind: 'wait', waitMs: 30_000 })
    expect(await row('credit')).toMatchObject({ state: 'waiting', attempts: 1 })
    expect(await secondsUntilRetry('credit')).toBe(30)
    // Pulled again meanwhile: it waits for its time, not for the next pull.
    expect(await take({ ref: 'credit', number: 'FV/10', kind: 'wait', waitMs: 30_000 })).toMatchObject({ unchanged: 1 })
    expect(await remapWaiting(context, connector, work, connection, 10)).toBe(0)
    expect(mapsOf('credit')).toBe(1)
    const waits = []
    for (let round = 0; round < 3; round++) {
      advance((await secondsUntilRetry('credit')) * 1000)
      expect(await remapWaiting(context, connector, work, connection, 10)).toBe(1)
      waits.push(await secondsUntilRetry('credit'))
    }
    expect(waits).toEqual([60, 120, 240])
    expect(await row('credit')).toMatchObject({ state: 'waiting', attempts: 4 })
    // However long it waited, it is looked at hourly at least.
    await context.db.updateTable('source_documents').set({ attempts: 30 }).where('ref', '=', 'credit').execute()
    advance(240_000)
    await remapWaiting(context, connector, work, connection, 10)
    expect(await secondsUntilRetry('credit')).toBe(3600)
    // Its original got its number: mapped from the document as it was pulled, and sent.
    calls.ready?.add('credit')
    advance(3600_000)
    expect(await remapWaiting(context, connector, work, connection, 10)).toBe(1)
    const done = await row('credit')
    expect(done).toMatchObject({ state: 'submitted', data: null, retry_at: null, attempts: 0 })
    const invoice = await context.db
      .selectFrom('invoices')
      .select(['invoice_number', 'source_ref'])
      .where('id', '=', done.invoice_id as string)
      .executeTakeFirstOrThrow()
    expect(invoice).toEqual({ invoice_number: 'FV/10', source_ref: 'credit' })
  })

  it('maps again only the waiting documents that are due, the earliest first, as many as asked', async () => {
    await take(
      { ref: 'w1', number: 'FV/21', kind: 'wait', waitMs: 10_000 },
      { ref: 'w2', number: 'FV/22', kind: 'wait', waitMs: 20_000 },
      { ref: 'w3', number: 'FV/23', kind: 'wait', waitMs: 120_000 },
    )
    advance(60_000)
    const before = calls.maps.length
    expect(await remapWaiting(context, connector, work, connection, 1)).toBe(1)
    expect(calls.maps.slice(before)).toEqual(['w1'])
    expect(await remapWaiting(context, connector, work, connection, 10)).toBe(1)
    expect(calls.maps.slice(before)).toEqual(['w1', 'w2'])
  })

  it('keeps one waiting document whose mapping fails from holding up the others', async () => {
    await take({ ref: 'stuck', number: 'FV/30', kind: 'wait' }, { ref: 'late', number: 'FV/31', kind: 'wait' })
    // The connector now fails on one of them with a plain error (not a wait, not a mapping error).
    await context.db
      .updateTable('source_documents')
      .set({ data: JSON.stringify({ ref: 'stuck', number: 'FV/30', kind: 'boom' }) })
      .where('connection_id', '=', connection.id)
      .where('ref', '=', 'stuck')
      .execute()
    calls.ready?.add('late')
    advance(31_000)
    // Both are due (with any waiting document an earlier test left): neither holds the other up.
    expect(await remapWaiting(context, connector, work, connection, 10)).toBeGreaterThanOrEqual(2)
    expect(await row('late')).toMatchObject({ state: 'submitted' })
    expect(await row('stuck')).toMatchObject({
      state: 'waiting',
      reason: expect.stringMatching(/could not be mapped again: the source locked stuck/),
    })
    expect(await secondsUntilRetry('stuck')).toBeGreaterThanOrEqual(60)
  })

  it('tells the tenant once per distinct problem, while the audit keeps every sighting', async () => {
    const told = () =>
      context.db
        .selectFrom('events')
        .select('data')
        .where('type', '=', 'document.unmappable')
        .where(({ ref, eb }) => eb(ref('data', '->>').key('ref' as never), '=', 'problem'))
        .orderBy('created_at')
        .execute()
    const problem = (extra: Partial<SourceItem>): SourceItem => ({ ref: 'problem', number: 'FV/30', ...extra })
    await take(problem({ kind: 'unmappable', code: 'BUYER_NIP_MISSING', field: 'customer.nip' }))
    // Changed, with the same problem: not news.
    await take(problem({ kind: 'unmappable', code: 'BUYER_NIP_MISSING', field: 'customer.nip', note: 'edited' }))
    await take(problem({ kind: 'unmappable', code: 'TAX_CODE_UNMAPPED', field: 'lines[0].taxCode' }))
    await take(problem({ kind: 'invalid' }))
    await take(problem({ kind: 'invalid', note: 'still wrong' }))
    expect((await told()).map((event) => (event.data as { code: string }).code)).toEqual([
      'BUYER_NIP_MISSING',
      'TAX_CODE_UNMAPPED',
      'INVOICE_INVALID',
    ])
    expect((await told())[0]?.data).toEqual({
      connection: 'source',
      ref: 'problem',
      code: 'BUYER_NIP_MISSING',
      field: 'customer.nip',
      reason: 'customer of problem has no NIP',
      fix: 'enter the NIP in the source',
    })
    const audit = await context.db
      .selectFrom('audit_log')
      .select('kind')
      .where('actor', '=', 'connection:source')
      .where(({ ref, eb }) => eb(ref('details', '->>').key('ref' as never), '=', 'problem'))
      .execute()
    expect(audit.map((entry) => entry.kind)).toEqual([
      'document.unmappable',
      'document.unmappable',
      'document.unmappable',
      'document.invalid',
      'document.invalid',
    ])
  })
})
