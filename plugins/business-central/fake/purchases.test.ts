import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { contractClient } from './contract-check.ts'
import { type FakeBc, startFakeBc } from './index.ts'

type Entity = Record<string, unknown>
type BcErrorBody = { error: { code: string; message: string } }

let bc: FakeBc
let api: ReturnType<typeof contractClient>
let companyId: string

beforeEach(async () => {
  bc = await startFakeBc({ companies: 1 })
  api = contractClient(bc)
  companyId = bc.companies[0]!.id
})
afterEach(() => bc.close())

/** Calls the API and checks the answer against the contract. */
async function call(method: string, path: string, init: Parameters<typeof api.call>[2] = {}) {
  const answer = await api.call(method, path, init)
  expect(answer.problems).toEqual([])
  return answer
}

const company = (path: string) => `/companies(${companyId})/${path}`
const code = (body: unknown) => (body as BcErrorBody).error.code

describe('purchase invoices (the import)', () => {
  const vendorNip = 'PL5265877635'

  async function vendorId(): Promise<string> {
    const found = await call('GET', `${company('vendors')}?$filter=taxRegistrationNumber eq '${vendorNip}'`)
    return String((found.body as { value: Entity[] }).value[0]?.id)
  }

  async function draft(vendorInvoiceNumber = 'fv/2026/11/0042'): Promise<Entity> {
    const created = await call('POST', company('purchaseInvoices'), {
      json: {
        vendorId: await vendorId(),
        vendorInvoiceNumber,
        invoiceDate: '2026-11-20',
        dueDate: '2026-12-04',
        currencyCode: 'PLN',
      },
    })
    expect(created.status).toBe(201)
    return created.body as Entity
  }

  it('are drafts with the vendor copied in, lines that total, and post to a new number with the same id', async () => {
    const invoice = await draft()
    expect(invoice).toMatchObject({
      status: 'Draft',
      vendorName: 'Biuro Rachunkowe Bilans sp. z o.o.',
      vendorInvoiceNumber: 'FV/2026/11/0042',
      currencyCode: 'PLN',
    })
    const lines = company(`purchaseInvoices(${String(invoice.id)})/purchaseInvoiceLines`)
    const line = await call('POST', lines, {
      json: {
        lineType: 'Account',
        lineObjectNumber: '402-100',
        description: 'Usługi księgowe 11/2026',
        quantity: 1,
        unitCost: 1500.1,
        taxCode: 'VAT23',
      },
    })
    expect(line.status).toBe(201)
    expect(line.body).toMatchObject({
      amountExcludingTax: 1500.1,
      taxPercent: 23,
      totalTaxAmount: 345.02,
      amountIncludingTax: 1845.12,
    })
    const badAccount = await call('POST', lines, {
      json: { lineType: 'Account', lineObjectNumber: '999', quantity: 1, unitCost: 1 },
    })
    expect([badAccount.status, code(badAccount.body)]).toEqual([400, 'Internal_InvalidTableRelation'])
    const badTax = await call('POST', lines, {
      json: { lineType: 'Account', lineObjectNumber: '402-100', quantity: 1, unitCost: 1, taxCode: 'VAT99' },
    })
    expect(code(badTax.body)).toBe('Internal_InvalidTableRelation')
    const byNumber = await call(
      'GET',
      `${company('purchaseInvoices')}?$filter=vendorInvoiceNumber eq 'fv/2026/11/0042'`,
    )
    expect((byNumber.body as { value: Entity[] }).value.map((item) => item.totalAmountIncludingTax)).toEqual([1845.12])
    const post = await call('POST', company(`purchaseInvoices(${String(invoice.id)})/Microsoft.NAV.post`))
    expect(post.status).toBe(204)
    const [posted] = bc.purchaseInvoices(companyId)
    expect(posted?.id).toBe(invoice.id)
    expect(posted?.entity).toMatchObject({ status: 'Open', number: 'FZ/2026/00001', totalAmountIncludingTax: 1845.12 })
    expect(posted?.lines).toHaveLength(1)
    const etag = String(posted?.entity['@odata.etag'])
    const change = await call('PATCH', company(`purchaseInvoices(${String(invoice.id)})`), {
      json: { dueDate: '2026-12-10' },
      headers: { 'if-match': etag },
    })
    expect([change.status, code(change.body)]).toEqual([400, 'Application_DialogException'])
  })

  it('refuse to post without lines, or a vendor invoice number the vendor already has', async () => {
    const first = await draft('FV/1')
    expect((await call('POST', company(`purchaseInvoices(${String(first.id)})/Microsoft.NAV.post`))).status).toBe(400)
    await call('POST', company(`purchaseInvoices(${String(first.id)})/purchaseInvoiceLines`), {
      json: { lineType: 'Account', lineObjectNumber: '402-100', description: 'x', quantity: 2, unitCost: 10 },
    })
    expect((await call('POST', company(`purchaseInvoices(${String(first.id)})/Microsoft.NAV.post`))).status).toBe(204)
    const second = await draft('fv/1')
    await call('POST', company(`purchaseInvoices(${String(second.id)})/purchaseInvoiceLines`), {
      json: { lineType: 'Account', lineObjectNumber: '402-100', description: 'x', quantity: 2, unitCost: 10 },
    })
    const again = await call('POST', company(`purchaseInvoices(${String(second.id)})/Microsoft.NAV.post`))
    expect([again.status, (again.body as BcErrorBody).error.message]).toEqual([
      400,
      expect.stringMatching(/^Purchase Invoice FV\/1 already exists for this vendor\./),
    ])
  })

  it('refuse a vendor invoice number longer than Code[35], an unknown vendor, an unknown currency, a string amount', async () => {
    const id = await vendorId()
    const long = await call('POST', company('purchaseInvoices'), {
      json: { vendorId: id, vendorInvoiceNumber: 'X'.repeat(36) },
    })
    expect([long.status, code(long.body)]).toEqual([400, 'Application_StringExceededLength'])
    const ghost = await call('POST', company('purchaseInvoices'), {
      json: { vendorId: '3fa85f64-5717-4562-b3fc-2c963f66afa6' },
    })
    expect(code(ghost.body)).toBe('Internal_InvalidTableRelation')
    const currency = await call('POST', company('purchaseInvoices'), { json: { vendorId: id, currencyCode: 'XYZ' } })
    expect(code(currency.body)).toBe('Internal_InvalidTableRelation')
    const invoice = await draft()
    const text = await call('POST', company(`purchaseInvoices(${String(invoice.id)})/purchaseInvoiceLines`), {
      json: { lineType: 'Account', lineObjectNumber: '402-100', quantity: 1, unitCost: '100.00' },
    })
    expect([text.status, code(text.body)]).toEqual([400, 'BadRequest'])
    expect(bc.purchaseInvoices(companyId)).toHaveLength(1)
  })

  it('take attachments, and a vendor added by the test', async () => {
    const vendor = bc.addVendor(companyId, { nip: '9512345675', name: 'Hurtownia Papieru Arkusz' })
    const found = await call(
      'GET',
      `${company('vendors')}?$filter=taxRegistrationNumber eq '9512345675' and displayName eq 'Hurtownia Papieru Arkusz'`,
    )
    expect((found.body as { value: Entity[] }).value.map((item) => item.id)).toEqual([vendor])
    const invoice = await call('POST', company('purchaseInvoices'), {
      json: { vendorId: vendor, vendorInvoiceNumber: 'A/7' },
    })
    const id = String((invoice.body as Entity).id)
    const attachment = await call('POST', company(`purchaseInvoices(${id})/documentAttachments`), {
      json: { fileName: 'KSeF-faktura.xml' },
    })
    const content = company(`documentAttachments(${String((attachment.body as Entity).id)})/attachmentContent`)
    await call('PATCH', content, { body: '<Faktura/>', headers: { 'if-match': '*' } })
    expect(
      bc.purchaseInvoices(companyId)[0]?.attachments.map((item) => [item.fileName, item.bytes.toString()]),
    ).toEqual([['KSeF-faktura.xml', '<Faktura/>']])
  })
})
