/**
 * What the Business Central end-to-end run checks at the end, against the simulator (what KSeF received), the
 * database (what the hub holds) and the fakes (what BC holds); and the purchase invoices it has KSeF hold for the
 * webhook tenant.
 *
 * @module
 */
import { upoFileName } from '@ksef-hub/connector-business-central'
import { incomingInvoiceFor } from '@ksef-hub/connector-sdk/testing'
import { randomNip } from '@ksef-hub/fa3/testing'
import { expect } from 'vitest'
import { attachmentsOf, type BcDocument, type BcTenant, keyOf } from './business-central.ts'
import type { BcHub } from './business-central-hub.ts'

/** What the simulator received: times each invoice arrived, by seller, type and number. */
async function receivedByKey(adminUrl: string): Promise<Map<string, number>> {
  const body = (await (await fetch(`${adminUrl}/received`)).json()) as {
    invoices: { sellerNip: string; invoiceType: string; invoiceNumber: string; timesReceived: number }[]
  }
  return new Map(
    body.invoices.map((each) => [`${each.sellerNip}|${each.invoiceType}|${each.invoiceNumber}`, each.timesReceived]),
  )
}

/**
 * The promise, checked for a tenant: KSeF received every sendable document exactly once and nothing else of the
 * tenant; each is one confirmed invoice whose UPO (the bytes the hub stored) is attached to it exactly once, the
 * note beside it once; none of `notSent` reached KSeF.
 */
export async function expectSentAndAttachedOnce(
  hub: BcHub,
  tenant: BcTenant,
  notSent: readonly BcDocument[],
): Promise<void> {
  const received = await receivedByKey(hub.sim.adminUrl)
  const times = (document: BcDocument) => `${keyOf(tenant, document)}: ${received.get(keyOf(tenant, document)) ?? 0}`
  expect(tenant.sendable.filter((document) => received.get(keyOf(tenant, document)) !== 1).map(times)).toEqual([])
  expect([...received.keys()].filter((key) => key.startsWith(`${tenant.nip}|`))).toHaveLength(tenant.sendable.length)
  expect(notSent.filter((document) => received.has(keyOf(tenant, document))).map(times)).toEqual([])

  const rows = await hub.context.db
    .selectFrom('invoices')
    .leftJoin('upos', 'upos.invoice_id', 'invoices.id')
    .select(['invoices.source_ref', 'invoices.state', 'invoices.writeback_state', 'invoices.ksef_number', 'upos.xml'])
    .where('invoices.tenant_id', '=', tenant.id)
    .execute()
  expect(rows.map((row) => row.source_ref).sort()).toEqual(tenant.sendable.map((document) => document.ref).sort())
  const byRef = new Map(rows.map((row) => [row.source_ref, row]))
  const wrong = tenant.sendable.flatMap((document) => {
    const row = byRef.get(document.ref)
    const files = attachmentsOf(tenant, document)
    const upos = files.filter((file) => file.fileName.endsWith('-UPO.xml'))
    const notes = files.filter((file) => file.fileName === `KSeF-${row?.ksef_number}.txt`)
    const fine =
      row?.state === 'confirmed' &&
      row.writeback_state === 'done' &&
      upos.length === 1 &&
      upos[0]?.fileName === upoFileName(row.ksef_number ?? '') &&
      row.xml !== null &&
      upos[0].bytes.equals(row.xml) &&
      notes.length === 1
    return fine
      ? []
      : [`${document.ref}: ${row?.state}/${row?.writeback_state}, ${upos.length} UPOs, ${notes.length} notes`]
  })
  expect(wrong).toEqual([])
}

/**
 * Has `count` sellers' purchase invoices (three lines each) issued to the webhook tenant in KSeF, each seller a
 * vendor of the tenant's first BC company (its NIP typed with PL or without, as BC users do).
 *
 * @returns the vendors' ids in BC and their NIPs
 */
export async function issuePurchases(hub: BcHub, count: number): Promise<Map<string, string>> {
  const { hook } = hub
  const company = hook.bc.companies[0]?.id as string
  const vendors = new Map<string, string>()
  for (let index = 0; index < 10; index++) {
    const nip = randomNip()
    const name = `Dostawca ${index + 1} sp. z o.o.`
    vendors.set(hook.bc.addVendor(company, { nip: index % 2 ? `PL${nip}` : nip, name }).toLowerCase(), nip)
  }
  const sellers = [...vendors.values()]
  for (let index = 0; index < count; index++) {
    const tenant = { id: hook.id, nip: hook.nip, name: hook.id }
    const { xml } = incomingInvoiceFor(tenant, sellers[index % sellers.length] as string, `FZ/${index + 1}/12/2026`)
    const response = await fetch(`${hub.sim.adminUrl}/incoming`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ xml: Buffer.from(xml).toString('utf8') }),
    })
    expect(response.status).toBe(201)
  }
  return vendors
}

/**
 * Each purchase invoice the hub received is one BC purchase invoice of its vendor, under the supplier's number,
 * with its three lines once and its FA(3) XML (the bytes KSeF gave) attached once; BC holds no other.
 */
export async function expectImportedOnce(hub: BcHub, vendors: ReadonlyMap<string, string>, count: number) {
  const incoming = await hub.context.db
    .selectFrom('incoming_invoices')
    .select(['ksef_number', 'invoice_number', 'seller_nip', 'xml'])
    .where('tenant_id', '=', hub.hook.id)
    .execute()
  expect(incoming).toHaveLength(count)
  const purchases = hub.hook.bc.purchaseInvoices(hub.hook.bc.companies[0]?.id as string)
  expect(purchases).toHaveLength(count)
  const wrong = incoming.flatMap((row) => {
    const made = purchases.filter(
      (purchase) =>
        purchase.entity.vendorInvoiceNumber === row.invoice_number &&
        vendors.get(String(purchase.entity.vendorId).toLowerCase()) === row.seller_nip,
    )
    const xmls = made[0]?.attachments.filter((file) => file.fileName.endsWith('.xml')) ?? []
    const fine =
      made.length === 1 &&
      made[0]?.lines.length === 3 &&
      xmls.length === 1 &&
      xmls[0]?.fileName === `KSeF-${row.ksef_number}.xml` &&
      row.xml !== null &&
      xmls[0].bytes.equals(row.xml)
    return fine
      ? []
      : [`${row.invoice_number}: ${made.length} made, ${made[0]?.lines.length} lines, ${xmls.length} XML`]
  })
  expect(wrong).toEqual([])
}
