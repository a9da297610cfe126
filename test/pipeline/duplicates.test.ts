import { buildInvoiceBytes } from '@ksef-hub/fa3'
import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { type KsefClient, nipContext } from '@ksef-hub/ksef-client'
import { submitInvoice, submitInvoicesBulk } from '@ksef-hub/pipeline'
import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueToken, POLL, simulatorClient } from '../ksef-client/simulator.ts'
import { expectConfirmedOnce, statesOf } from './expectations.ts'
import { type Hub, startHub } from './hub.ts'

describe.each(testBackends())('duplicates, in KSeF and in the hub (%s)', (backend) => {
  let hub: Hub
  let direct: KsefClient
  beforeAll(async () => {
    // Paused: the invoices are put in KSeF by another channel before the hub gets to send them.
    hub = await startHub(backend, { paused: true })
    direct = simulatorClient(hub.sim, await issueToken(hub.sim, hub.nip), { context: nipContext(hub.nip) })
  }, 60_000)
  afterAll(async () => {
    await direct?.closeSessions().catch(() => undefined)
    await hub?.close()
  })

  async function xmlOf(id: string): Promise<Uint8Array> {
    const row = await hub.context.db.selectFrom('invoices').select('xml').where('id', '=', id).executeTakeFirstOrThrow()
    return new Uint8Array(row.xml as Buffer)
  }

  it('440 for the very same document: the original KSeF number is adopted with its UPO', async () => {
    const same = await hub.submit()
    const other = await hub.submit()
    // The same bytes sent directly (e.g. by the ERP's own KSeF module before the hub took over).
    const sent = await direct.sendInvoice(await xmlOf(same))
    const outcome = await direct.waitForInvoice(sent, POLL)
    if (outcome.kind !== 'accepted') throw new Error(`direct send: ${outcome.kind}`)
    // Another document with the number of `other` is in KSeF already: a real clash, not the same invoice.
    const [number] = (
      await hub.context.db.selectFrom('invoices').select('invoice_number').where('id', '=', other).execute()
    ).map((row) => row.invoice_number)
    const clash = buildInvoiceBytes(typicalInvoice({ sellerNip: hub.nip, number, lines: 1, issueDate: '2026-11-02' }))
    const clashOutcome = await direct.waitForInvoice(await direct.sendInvoice(clash), POLL)
    if (clashOutcome.kind !== 'accepted') throw new Error(`direct send: ${clashOutcome.kind}`)

    await hub.resume()
    await hub.waitFor([same, other], ['confirmed', 'rejected'])
    const rows = await hub.context.db
      .selectFrom('invoices')
      .leftJoin('upos', 'upos.invoice_id', 'invoices.id')
      .select([
        'invoices.id',
        'invoices.state',
        'invoices.ksef_number',
        'invoices.invoice_number',
        'invoices.rejection_code',
        'invoices.rejection_reason_pl',
        'invoices.rejection_reason_en',
        'upos.ksef_number as upo_ksef_number',
      ])
      .where('invoices.id', 'in', [same, other])
      .execute()
    const byId = new Map(rows.map((row) => [row.id, row]))
    expect(byId.get(same)).toMatchObject({
      state: 'confirmed',
      ksef_number: outcome.ksefNumber,
      upo_ksef_number: outcome.ksefNumber,
    })
    expect(byId.get(other)).toMatchObject({ state: 'rejected', ksef_number: null, rejection_code: 440 })
    expect(byId.get(other)?.rejection_reason_pl).toMatch(/już w KSeF/)
    expect(byId.get(other)?.rejection_reason_en).toMatch(/already in KSeF/)
    // KSeF got each number twice: once directly, once from the hub (answered 440); the hub sent each once.
    const received = await hub.received()
    expect(received.get(byId.get(same)?.invoice_number as string)).toMatchObject({
      timesReceived: 2,
      ksefNumber: outcome.ksefNumber,
      receipts: [200, 440],
    })
    expect(received.get(number as string)).toMatchObject({
      timesReceived: 2,
      ksefNumber: clashOutcome.ksefNumber,
      receipts: [200, 440],
    })
  }, 60_000)

  it('refuses a second document with a number already used, before anything is sent', async () => {
    const first = await hub.submit()
    await hub.waitFor([first], ['confirmed'])
    const [row] = await expectConfirmedOnce(hub, [first])
    const number = row?.invoice_number as string
    const changed = typicalInvoice({ sellerNip: hub.nip, number, lines: 2, issueDate: '2026-11-02' })
    // Another source document (its own reference) carrying the same seller, type and number.
    await expect(
      submitInvoice(hub.context, { tenantId: hub.tenantId, invoice: changed, sourceRef: 'ERP-DOC-2' }),
    ).rejects.toMatchObject({ code: 'DUPLICATE_INVOICE_NUMBER' })
    // The same source document changed after it was sent: a correction invoice is the way, not a resubmission.
    await expect(hub.submit(number, { invoice: changed })).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' })
    // In bulk too, item by item.
    const [bulk] = await submitInvoicesBulk(hub.context, {
      tenantId: hub.tenantId,
      items: [{ invoice: changed, sourceRef: 'ERP-DOC-3' }],
    })
    expect(bulk).toMatchObject({ ok: false, error: { code: 'DUPLICATE_INVOICE_NUMBER' } })
    // Nothing more reached KSeF, and the original is untouched.
    expect((await hub.received()).get(number)).toMatchObject({ timesReceived: 1, ksefNumber: row?.ksef_number })
    expect(await statesOf(hub, first)).toEqual(['queued', 'sending', 'sent', 'accepted', 'confirmed'])
    expect(
      await hub.context.db.selectFrom('invoices').select('id').where('invoice_number', '=', number).execute(),
    ).toHaveLength(1)
  }, 60_000)
})
