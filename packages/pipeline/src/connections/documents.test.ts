import type { ConnectorContext } from '@ksef-hub/connector-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testBackends } from '../testing/backends.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import type { ConnectionRecord } from './connections.ts'
import { MAX_DOCUMENT_BYTES, takeDocuments } from './documents.ts'
import { hostConnection } from './host.ts'
import { connectorRegistry } from './registry.ts'
import { type SourceCalls, type SourceItem, sourceConnector } from './test-source.ts'
import { connectTenant } from './test-support.ts'

const doc = (item: SourceItem) => ({
  ref: item.ref,
  data: item,
  ...(item.updatedAt ? { updatedAt: item.updatedAt } : {}),
})

describe.each(testBackends())('taking in a page’s documents (%s)', (backend) => {
  const calls: SourceCalls = { maps: [] }
  const connector = sourceConnector(calls)
  const registry = connectorRegistry([connector])
  let context: TestContext
  let connection: ConnectionRecord
  let work: ConnectorContext<unknown, unknown>
  beforeAll(async () => {
    context = await openTestContext(backend, { now: () => new Date('2026-12-01T10:00:00Z') })
    connection = await connectTenant(context, registry, 'acme', {
      connector: 'source',
      settings: { baseUrl: 'http://127.0.0.1:9' },
      secrets: { apiKey: 'k' },
    })
    work = await hostConnection(context, { registry }, connector, connection, new AbortController().signal)
  })
  afterAll(() => context.close())

  const take = (...items: SourceItem[]) => takeDocuments(context, connector, work, connection, items.map(doc))
  const row = (ref: string) =>
    context.db
      .selectFrom('source_documents')
      .selectAll()
      .where('connection_id', '=', connection.id)
      .where('ref', '=', ref)
      .executeTakeFirstOrThrow()
  const events = (ref: string) =>
    context.db
      .selectFrom('events')
      .select(['type', 'data'])
      .where('tenant_id', '=', 'acme')
      .where(({ ref: column, eb }) => eb(column('data', '->>').key('ref' as never), '=', ref))
      .execute()

  it('records every outcome with its reason, field and fix, and an invoice for the one it could send', async () => {
    const counts = await take(
      { ref: 'ok', number: 'FV/1', updatedAt: '2026-11-30T12:00:00+01:00' },
      { ref: 'draft', number: 'FV/2', kind: 'skip' },
      { ref: 'no-nip', number: 'FV/3', kind: 'unmappable', code: 'BUYER_NIP_MISSING', field: 'customer.nip' },
      { ref: 'bad-total', number: 'FV/4', kind: 'invalid' },
      { ref: 'credit', number: 'FV/5', kind: 'wait', waitMs: 30_000 },
      { ref: 'foreign', number: 'FV/6', kind: 'other-seller' },
      { ref: 'same-number', number: 'FV/1' },
    )
    expect(counts).toEqual({
      submitted: 1,
      skipped: 1,
      unmappable: 1,
      invalid: 1,
      waiting: 1,
      refused: 2,
      unchanged: 0,
    })
    const ok = await row('ok')
    const invoice = await context.db
      .selectFrom('invoices')
      .select(['id', 'source', 'source_ref', 'invoice_number', 'state'])
      .where('id', '=', ok.invoice_id as string)
      .executeTakeFirstOrThrow()
    expect(invoice).toMatchObject({ source: 'source', source_ref: 'ok', invoice_number: 'FV/1' })
    // An invoice's document is not kept twice: the invoice has it.
    expect(ok).toMatchObject({
      state: 'submitted',
      data: null,
      code: null,
      source_updated_at: '2026-11-30T12:00:00+01:00',
    })
    expect(await row('draft')).toMatchObject({
      state: 'skipped',
      reason: 'document draft is a draft',
      invoice_id: null,
    })
    expect(await row('no-nip')).toMatchObject({
      state: 'unmappable',
      code: 'BUYER_NIP_MISSING',
      field: 'customer.nip',
      reason: 'customer of no-nip has no NIP',
      fix: 'enter the NIP in the source',
      data: { ref: 'no-nip', number: 'FV/3', kind: 'unmappable' },
    })
    expect(await row('bad-total')).toMatchObject({
      state: 'invalid',
      code: 'INVOICE_INVALID',
      field: 'details.totals.totalDue',
      fix: expect.stringMatching(/correct the document in the source system/),
      issues: expect.arrayContaining([expect.objectContaining({ code: 'TOTAL_DUE_MISMATCH' })]),
    })
    expect(await row('credit')).toMatchObject({
      state: 'waiting',
      reason: 'credit waits for its original',
      attempts: 1,
      retry_at: new Date('2026-12-01T10:00:30Z'),
    })
    expect(await row('foreign')).toMatchObject({ state: 'refused', code: 'WRONG_SELLER', invoice_id: null })
    // Another document's invoice number: refused, and not linked to that document's invoice.
    expect(await row('same-number')).toMatchObject({
      state: 'refused',
      code: 'DUPLICATE_INVOICE_NUMBER',
      invoice_id: null,
      reason: expect.stringContaining('FV/1'),
    })
    const sent = await context.db.selectFrom('invoices').select('source_ref').where('tenant_id', '=', 'acme').execute()
    expect(sent.map((each) => each.source_ref)).toEqual(['ok'])
  })

  it('keeps a document whose invoice changed after it was sent as refused, linked to the invoice it became', async () => {
    await take({ ref: 'edited', number: 'FV/10' })
    const { invoice_id: sent } = await row('edited')
    expect(sent).not.toBeNull()
    const counts = await take({ ref: 'edited', number: 'FV/10', place: 'Kraków' })
    expect(counts.refused).toBe(1)
    expect(await row('edited')).toMatchObject({
      state: 'refused',
      code: 'IDEMPOTENCY_CONFLICT',
      invoice_id: sent,
      reason: expect.stringMatching(/correct a sent invoice with a correction invoice/),
      data: { ref: 'edited', number: 'FV/10', place: 'Kraków' },
    })
    // Put back as it was sent: the same invoice again, nothing new.
    expect((await take({ ref: 'edited', number: 'FV/10' })).submitted).toBe(1)
    expect(await row('edited')).toMatchObject({ state: 'submitted', invoice_id: sent })
    const invoices = await context.db.selectFrom('invoices').select('id').where('source_ref', '=', 'edited').execute()
    expect(invoices).toHaveLength(1)
  })

  it('refuses an oversized document without mapping it, and says so once', async () => {
    const before = calls.maps.length
    const huge = { ref: 'huge', number: 'FV/20', padding: 'x'.repeat(MAX_DOCUMENT_BYTES) }
    expect((await take(huge)).unmappable).toBe(1)
    expect(calls.maps.length).toBe(before)
    expect(await row('huge')).toMatchObject({
      state: 'unmappable',
      code: 'DOCUMENT_TOO_LARGE',
      field: 'document',
      data: null,
      reason: `document huge is over ${MAX_DOCUMENT_BYTES} bytes as JSON`,
    })
    // Pulled again as it was: not news.
    expect((await take(huge)).unchanged).toBe(1)
    expect(await events('huge')).toEqual([
      { type: 'document.unmappable', data: expect.objectContaining({ ref: 'huge', code: 'DOCUMENT_TOO_LARGE' }) },
    ])
  })

  it('keeps what it cannot store (a zero byte, an overlong ref) from stopping the page, naming the problem', async () => {
    const counts = await take(
      { ref: 'zero-in-data', number: 'FV/40', kind: 'skip', note: 'a\u0000b' },
      { ref: 'zero\u0000in-ref', number: 'FV/41' },
      { ref: `long-${'x'.repeat(300)}`, number: 'FV/42' },
      { ref: 'fine', number: 'FV/43' },
      // A backslash before "u0000" is text, not a zero byte.
      { ref: 'backslash', number: 'FV/44', kind: 'skip', note: 'C:\\u0000' },
    )
    expect(counts).toMatchObject({ submitted: 1, unmappable: 2, invalid: 1, skipped: 1 })
    expect(await row('backslash')).toMatchObject({ state: 'skipped', data: { note: 'C:\\u0000' } })
    expect(await row('zero-in-data')).toMatchObject({
      state: 'unmappable',
      code: 'DOCUMENT_UNSTORABLE',
      field: 'document',
      data: null,
    })
    expect(await row('zero\\u0000in-ref')).toMatchObject({
      state: 'unmappable',
      code: 'DOCUMENT_UNSTORABLE',
      field: 'ref',
    })
    expect(await row(`long-${'x'.repeat(300)}`)).toMatchObject({ state: 'invalid', field: 'sourceRef' })
    expect(await row('fine')).toMatchObject({ state: 'submitted' })
  })

  it('stops at a failure that is not about the document, keeping what came before it', async () => {
    await expect(
      take(
        { ref: 'before', number: 'FV/30' },
        { ref: 'locked', number: 'FV/31', kind: 'boom' },
        { ref: 'after', number: 'FV/32' },
      ),
    ).rejects.toThrow('the source locked locked')
    expect(await row('before')).toMatchObject({ state: 'submitted' })
    const rest = await context.db
      .selectFrom('source_documents')
      .select('ref')
      .where('ref', 'in', ['locked', 'after'])
      .execute()
    expect(rest).toEqual([])
  })
})
