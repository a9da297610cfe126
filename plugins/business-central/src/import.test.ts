import { incomingInvoiceFor } from '@ksef-hub/connector-sdk/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { importIncoming } from './import.ts'
import { purchaseLinesOf } from './purchase-lines.ts'
import { settingsSchema } from './settings.ts'
import { COMPANY, type StubBc, settingsFor, startStubBc, TENANT, testContext } from './test-context.ts'
import { nextId } from './test-fixtures.ts'

const SUPPLIER = '7010002139'
type Json = Record<string, unknown>

/** BC's vendors, purchase invoices with lines, and document attachments, in memory. */
function purchasesBc(state: {
  vendors: Json[]
  invoices: Json[]
  lines: Json[]
  attachments: Json[]
  posted: string[]
}) {
  return (path: string, request: { method: string; url: URL; json<T>(): T }) => {
    const base = `/companies(${COMPANY})`
    const filter = request.url.searchParams.get('$filter') ?? ''
    const literal = /eq '((?:[^']|'')*)'/.exec(filter)?.[1]?.replaceAll("''", "'")
    if (path === `${base}/vendors`) {
      return { json: { value: state.vendors.filter((vendor) => vendor.taxRegistrationNumber === literal) } }
    }
    if (path === `${base}/purchaseInvoices` && request.method === 'GET') {
      const value = state.invoices
        .filter((invoice) => invoice.vendorInvoiceNumber === literal)
        .map((invoice) => ({
          ...invoice,
          purchaseInvoiceLines: state.lines.filter((line) => line.documentId === invoice.id),
        }))
      return { json: { value } }
    }
    if (path === `${base}/purchaseInvoices` && request.method === 'POST') {
      const invoice = { id: nextId(), number: `108${state.invoices.length}`, status: 'Draft', ...request.json<Json>() }
      state.invoices.push(invoice)
      return { status: 201, json: invoice }
    }
    const lines = /^\/companies\([^)]+\)\/purchaseInvoices\(([^)]+)\)\/purchaseInvoiceLines$/.exec(path)
    if (lines && request.method === 'POST') {
      const line = { id: nextId(), documentId: lines[1], ...request.json<Json>() }
      state.lines.push(line)
      return { status: 201, json: line }
    }
    const post = /^\/companies\([^)]+\)\/purchaseInvoices\(([^)]+)\)\/Microsoft\.NAV\.post$/.exec(path)
    if (post) {
      state.posted.push(post[1] as string)
      return { status: 204 }
    }
    if (path === `${base}/documentAttachments` && request.method === 'GET') {
      const parent = /parentId eq ([0-9a-f-]+)/.exec(filter)?.[1]
      return { json: { value: state.attachments.filter((item) => item.parentId === parent) } }
    }
    if (path === `${base}/documentAttachments` && request.method === 'POST') {
      const item = { id: nextId(), byteSize: 0, ...request.json<Json>() }
      state.attachments.push(item)
      return { status: 201, json: item }
    }
    if (path.endsWith('/attachmentContent')) {
      const id = /documentAttachments\(([^)]+)\)/.exec(path)?.[1]
      const item = state.attachments.find((candidate) => candidate.id === id)
      if (item) item.byteSize = 1
      return { status: 204 }
    }
    return undefined
  }
}

let bc: StubBc | undefined
afterEach(async () => {
  await bc?.server.close()
  bc = undefined
})

const fresh = () => ({
  vendors: [{ id: nextId(), number: 'V00010', displayName: 'Fabrikam', taxRegistrationNumber: `PL${SUPPLIER}` }],
  invoices: [] as Json[],
  lines: [] as Json[],
  attachments: [] as Json[],
  posted: [] as string[],
})

describe('importing a purchase invoice', () => {
  it('finds the vendor by NIP (with PL), creates the invoice with its lines on the G/L account, attaches the XML, once', async () => {
    const state = fresh()
    bc = await startStubBc(purchasesBc(state))
    const settings = settingsFor(bc.server.url, { purchase: { glAccount: '402-100', taxCodes: { '23': 'VAT23' } } })
    const incoming = incomingInvoiceFor(TENANT, SUPPLIER, "FZ/2026/O'1")
    const first = await importIncoming(testContext({ settings }).context, incoming)
    expect(first.created).toBe(true)
    expect(state.invoices).toHaveLength(1)
    expect(state.invoices[0]).toMatchObject({ vendorId: state.vendors[0]?.id, vendorInvoiceNumber: "FZ/2026/O'1" })
    expect(state.lines).toHaveLength(incoming.invoice?.details.lines?.length ?? 0)
    expect(state.lines[0]).toMatchObject({ lineType: 'Account', lineObjectNumber: '402-100', taxCode: 'VAT23' })
    expect(state.attachments).toEqual([
      expect.objectContaining({
        fileName: `KSeF-${incoming.ksefNumber}.xml`,
        parentType: 'Purchase Invoice',
        byteSize: 1,
      }),
    ])
    expect(state.posted).toEqual([])
    const second = await importIncoming(testContext({ settings }).context, incoming)
    expect(second).toEqual({ ref: first.ref, created: false })
    expect([state.invoices.length, state.lines.length, state.attachments.length]).toEqual([1, 3, 1])
  })

  it('finishes an invoice a crash left without lines, and posts it when the connection says so', async () => {
    const state = fresh()
    bc = await startStubBc(purchasesBc(state))
    const incoming = incomingInvoiceFor(TENANT, SUPPLIER, 'FZ/2026/2')
    state.invoices.push({
      id: nextId(),
      status: 'Draft',
      vendorId: state.vendors[0]?.id,
      vendorInvoiceNumber: 'FZ/2026/2',
    })
    const settings = settingsFor(bc.server.url, { purchase: { glAccount: '402-100', post: true } })
    const outcome = await importIncoming(testContext({ settings }).context, incoming)
    expect(outcome.created).toBe(false)
    expect(state.lines).toHaveLength(3)
    expect(state.posted).toEqual([state.invoices[0]?.id])
  })

  it('names the NIP when no vendor has it, and the setting when no G/L account is set', async () => {
    const state = { ...fresh(), vendors: [] }
    bc = await startStubBc(purchasesBc(state))
    const incoming = incomingInvoiceFor(TENANT, SUPPLIER, 'FZ/2026/3')
    const settings = settingsFor(bc.server.url, { purchase: { glAccount: '402-100' } })
    await expect(importIncoming(testContext({ settings }).context, incoming)).rejects.toMatchObject({
      kind: 'not_found',
      message: expect.stringContaining(`NIP ${SUPPLIER}`),
    })
    const without = testContext({ settings: settingsFor(bc.server.url) }).context
    await expect(importIncoming(without, incoming)).rejects.toThrow(/settings\.purchase\.glAccount/)
    expect(state.invoices).toEqual([])
  })
})

describe('purchase lines', () => {
  it('are one line with the total when the invoice has no parsed lines', () => {
    const settings = settingsSchema.parse(settingsFor('http://127.0.0.1:9'))
    const incoming = { ...incomingInvoiceFor(TENANT, SUPPLIER, 'FZ/1'), invoice: null, grossAmount: '1230.50' }
    expect(purchaseLinesOf(incoming, settings, '402-100')).toEqual({
      pricesIncludeTax: true,
      lines: [
        {
          lineType: 'Account',
          lineObjectNumber: '402-100',
          description: `Faktura FZ/1 (KSeF ${incoming.ksefNumber})`,
          quantity: 1,
          unitCost: 1230.5,
        },
      ],
    })
  })
})
