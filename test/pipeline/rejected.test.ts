import type { Invoice } from '@ksef-hub/fa3'
import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { submitInvoicesBulk } from '@ksef-hub/pipeline'
import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectConfirmedOnce } from './expectations.ts'
import { type Hub, startHub } from './hub.ts'

// An invoice the hub cannot know is refused: it carries an attachment (Zalacznik), and KSeF takes those only
// from taxpayers who opted in (status 415). Nothing the hub could do by sending it again.
function withAttachment(nip: string, number: string): Invoice {
  return {
    ...typicalInvoice({ sellerNip: nip, number, lines: 2, issueDate: '2026-11-02' }),
    attachment: { blocks: [{ metadata: [{ key: 'Umowa', value: 'U/2026/17' }] }] },
  } as Invoice
}

describe.each(testBackends())('a permanently bad invoice is rejected, its neighbours confirmed (%s)', (backend) => {
  let hub: Hub
  beforeAll(async () => {
    // One submit fetcher: two may split the six between them, and the bad one must share the others' batch.
    hub = await startHub(backend, { settings: { batchThreshold: 5 }, worker: { tuning: { submitConcurrency: 1 } } })
  }, 60_000)
  afterAll(() => hub?.close())

  async function expectRejected415(id: string): Promise<void> {
    const row = await hub.context.db
      .selectFrom('invoices')
      .select([
        'state',
        'ksef_number',
        'rejection_code',
        'rejection_reason_pl',
        'rejection_reason_en',
        'invoice_number',
      ])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ state: 'rejected', ksef_number: null, rejection_code: 415 })
    expect(row.rejection_reason_pl).toMatch(/załącznik/)
    expect(row.rejection_reason_en).toMatch(/attachment/)
    // Sent once, refused once: a rejection is final, never retried.
    expect((await hub.received()).get(row.invoice_number)).toMatchObject({
      timesReceived: 1,
      ksefNumber: null,
      receipts: [415],
    })
    const events = await hub.context.db.selectFrom('events').select(['type']).where('invoice_id', '=', id).execute()
    expect(events.map((event) => event.type)).toContain('invoice.rejected')
  }

  it('in a batch session: the bad one rejected with reasons in Polish and English, the rest confirmed', async () => {
    const good = typicalInvoice({ sellerNip: hub.nip, lines: 3, issueDate: '2026-11-02' })
    const run = Date.now().toString(36)
    const items = [
      ...Array.from({ length: 5 }, (_, i) => ({
        invoice: { ...good, details: { ...good.details, number: `FV/REJ/${run}/${i}` } },
      })),
      { invoice: withAttachment(hub.nip, `FV/REJ/${run}/bad`) },
    ]
    const results = await submitInvoicesBulk(hub.context, { tenantId: hub.tenantId, items })
    const ids = results.map((result) => (result.ok ? result.id : ''))
    const bad = ids[5] as string
    await hub.waitFor(ids, ['confirmed', 'rejected'])
    await expectRejected415(bad)
    const rows = await expectConfirmedOnce(hub, ids.slice(0, 5))
    const [session] = new Set(rows.map((row) => row.ksef_session_ref))
    const badRow = await hub.context.db
      .selectFrom('invoices')
      .select(['ksef_session_ref', 'session_kind'])
      .where('id', '=', bad)
      .executeTakeFirstOrThrow()
    expect(badRow).toEqual({ ksef_session_ref: session, session_kind: 'batch' })
  }, 60_000)

  it('online: the bad one rejected, the next one in the same session confirmed', async () => {
    const bad = await hub.submit(undefined, {
      invoice: withAttachment(hub.nip, `FV/REJ/${Date.now().toString(36)}/online`),
    })
    const good = await hub.submit()
    await hub.waitFor([bad, good], ['confirmed', 'rejected'])
    await expectRejected415(bad)
    const [row] = await expectConfirmedOnce(hub, [good])
    const badRow = await hub.context.db
      .selectFrom('invoices')
      .select(['ksef_session_ref'])
      .where('id', '=', bad)
      .executeTakeFirstOrThrow()
    expect(badRow.ksef_session_ref).toBe(row?.ksef_session_ref)
  }, 60_000)
})
