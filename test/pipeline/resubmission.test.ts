import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { getInvoice, submitInvoice } from '@ksef-hub/pipeline'
import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sendDirect } from './direct.ts'
import { expectConfirmedOnce, statesOf } from './expectations.ts'
import { type Hub, startHub } from './hub.ts'

describe.each(testBackends())('a rejected invoice corrected and submitted again (%s)', (backend) => {
  let hub: Hub
  beforeAll(async () => {
    hub = await startHub(backend)
  })
  afterAll(() => hub?.close())

  it('goes back in line as the same record and confirms; KSeF got the corrected document once', async () => {
    const run = `${backend}-${Date.now().toString(36)}`
    const taken = `FV/TAKEN/${run}`
    // The number was already used in KSeF by another program: KSeF rejects the hub's document as a duplicate.
    const original = await sendDirect(hub, taken)
    const document = (number: string) =>
      typicalInvoice({ sellerNip: hub.nip, number, lines: 2, issueDate: '2026-11-02' })
    const request = { tenantId: hub.tenantId, source: 'erp', sourceRef: `doc-${run}` }

    const first = await submitInvoice(hub.context, { ...request, invoice: document(taken) })
    expect(first).toMatchObject({ created: true, state: 'queued' })
    await hub.waitFor([first.id], ['rejected'])
    const rejected = await getInvoice(hub.context.db, hub.tenantId, first.id)
    expect(rejected).toMatchObject({ state: 'rejected', ksefNumber: null })
    const rejection = await hub.context.db
      .selectFrom('invoices')
      .select(['rejection_code', 'rejection_details'])
      .where('id', '=', first.id)
      .executeTakeFirstOrThrow()
    expect(rejection).toEqual({
      rejection_code: 440,
      rejection_details: expect.objectContaining({ originalKsefNumber: original.ksefNumber }),
    })

    // The unchanged document again: the same rejected record, nothing queued.
    const unchanged = await submitInvoice(hub.context, { ...request, invoice: document(taken) })
    expect(unchanged).toMatchObject({ id: first.id, created: false, state: 'rejected' })

    const corrected = `FV/FIXED/${run}`
    const second = await submitInvoice(hub.context, { ...request, invoice: document(corrected) })
    expect(second).toMatchObject({ id: first.id, created: false, state: 'queued' })
    await hub.waitFor([first.id], ['confirmed'])
    const [row] = await expectConfirmedOnce(hub, [first.id])
    expect(row?.invoice_number).toBe(corrected)
    const cleared = await hub.context.db
      .selectFrom('invoices')
      .select(['rejection_code', 'rejection_reason_en', 'rejection_details'])
      .where('id', '=', first.id)
      .executeTakeFirstOrThrow()
    expect(cleared).toEqual({ rejection_code: null, rejection_reason_en: null, rejection_details: null })
    expect(await statesOf(hub, first.id)).toEqual([
      'queued',
      'sending',
      'sent',
      'rejected',
      'queued',
      'sending',
      'sent',
      'accepted',
      'confirmed',
    ])
    const received = await hub.received()
    // The taken number: the direct send (accepted) and the hub's duplicate; never sent again after the fix.
    expect(received.get(taken)).toMatchObject({ timesReceived: 2, ksefNumber: original.ksefNumber })
    const events = await hub.context.db
      .selectFrom('events')
      .select('type')
      .where('invoice_id', '=', first.id)
      .orderBy('created_at')
      .execute()
    expect(events.map((event) => event.type)).toEqual(['invoice.rejected', 'invoice.confirmed'])
  })
})
