import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { contractClient } from './contract-check.ts'
import { type BcSeedResult, type FakeBc, startFakeBc } from './index.ts'

type Entity = Record<string, unknown>
type BcErrorBody = { error: { code: string; message: string } }

let bc: FakeBc
let api: ReturnType<typeof contractClient>
let companyId: string
let seeded: BcSeedResult

beforeEach(async () => {
  bc = await startFakeBc({ companies: 1, maxBodyBytes: 64 * 1024 })
  api = contractClient(bc)
  companyId = bc.companies[0]!.id
  seeded = bc.seed(companyId, { invoices: 2, creditMemos: 1, drafts: 1 })
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

describe('document attachments (the write-back)', () => {
  it('are created in two steps, read back, and leave the posted invoice as it was', async () => {
    const invoiceId = seeded.invoices[0]!
    const before = bc.document(companyId, invoiceId)!
    const created = await call('POST', company('documentAttachments'), {
      json: {
        fileName: 'KSeF-5265877635-20261120-0100A1B2C3D4-7F-UPO.xml',
        parentType: 'Sales Invoice',
        parentId: invoiceId,
      },
    })
    expect(created.status).toBe(201)
    const attachment = created.body as Entity
    expect(attachment).toMatchObject({ byteSize: 0, parentType: 'Sales Invoice', parentId: invoiceId, lineNumber: 0 })
    const content = company(`documentAttachments(${String(attachment.id)})/attachmentContent`)
    const upo = '<?xml version="1.0" encoding="UTF-8"?><Potwierdzenie/>'
    const missing = await call('PATCH', content, { body: upo, headers: { 'content-type': 'application/octet-stream' } })
    expect([missing.status, code(missing.body)]).toEqual([400, 'BadRequest_InvalidToken'])
    const put = await call('PATCH', content, {
      body: upo,
      headers: { 'content-type': 'application/octet-stream', 'if-match': '*' },
    })
    expect(put.status).toBe(204)
    const read = await call('GET', content)
    expect(read.bytes.toString('utf8')).toBe(upo)
    const listed = await call('GET', `${company('documentAttachments')}?$filter=parentId eq ${invoiceId}`)
    expect((listed.body as { value: Entity[] }).value.map((item) => item.byteSize)).toEqual([Buffer.byteLength(upo)])
    expect(
      bc.attachments(companyId, 'Sales Invoice', invoiceId).map((item) => [item.fileName, item.bytes.toString()]),
    ).toEqual([['KSeF-5265877635-20261120-0100A1B2C3D4-7F-UPO.xml', upo]])
    expect(bc.document(companyId, invoiceId)).toEqual(before)
  })

  it('keep every POST: writing the same file twice leaves two, also under the document', async () => {
    const invoiceId = seeded.invoices[1]!
    const json = { fileName: 'KSeF-number.txt', parentType: 'Sales Invoice', parentId: invoiceId }
    await call('POST', company('documentAttachments'), { json })
    const nested = await call('POST', company(`salesInvoices(${invoiceId})/documentAttachments`), {
      json: { fileName: 'KSeF-number.txt' },
    })
    expect(nested.status).toBe(201)
    expect(bc.attachments(companyId, 'Sales Invoice', invoiceId)).toHaveLength(2)
    const under = await call('GET', company(`salesInvoices(${invoiceId})/documentAttachments`))
    expect((under.body as { value: unknown[] }).value).toHaveLength(2)
  })

  it('refuse a parent that does not exist, a missing file name, and inline content', async () => {
    const ghost = await call('POST', company('documentAttachments'), {
      json: { fileName: 'a.xml', parentType: 'Sales Invoice', parentId: '3fa85f64-5717-4562-b3fc-2c963f66afa6' },
    })
    expect(ghost.status).toBe(404)
    const nameless = await call('POST', company('documentAttachments'), {
      json: { parentType: 'Sales Credit Memo', parentId: seeded.creditMemos[0] },
    })
    expect([nameless.status, code(nameless.body)]).toEqual([400, 'Application_FieldValidationException'])
    const inline = await call('POST', company('documentAttachments'), {
      json: {
        fileName: 'a.xml',
        parentType: 'Sales Invoice',
        parentId: seeded.invoices[0],
        attachmentContent: 'PFBvdHdpZXJkemVuaWUvPg==',
      },
    })
    expect(inline.status).toBe(400)
    expect(bc.attachments(companyId, 'Sales Invoice', seeded.invoices[0]!)).toEqual([])
  })

  it('refuse a body over the limit with 413', async () => {
    const created = await call('POST', company('documentAttachments'), {
      json: { fileName: 'big.bin', parentType: 'Sales Invoice', parentId: seeded.invoices[0] },
    })
    const content = company(`documentAttachments(${String((created.body as Entity).id)})/attachmentContent`)
    const big = await api.call('PATCH', content, { body: Buffer.alloc(65 * 1024), headers: { 'if-match': '*' } })
    expect([big.status, code(big.body)]).toEqual([413, 'BadRequest_RequestEntityTooLarge'])
  })
})

describe("BC's write rules", () => {
  it('refuses read-only fields and properties the entity does not have', async () => {
    const invoiceId = seeded.invoices[0]!
    const etag = String(bc.document(companyId, invoiceId)!['@odata.etag'])
    const number = await call('PATCH', company(`salesInvoices(${invoiceId})`), {
      json: { number: 'X-1' },
      headers: { 'if-match': etag },
    })
    expect([number.status, code(number.body)]).toEqual([400, 'BadRequest_InvalidOperation'])
    expect((number.body as BcErrorBody).error.message).toMatch(/^Control 'number' is read-only\./)
    const unknown = await call('PATCH', company(`salesInvoices(${invoiceId})`), {
      json: { ksefNumber: 'x' },
      headers: { 'if-match': etag },
    })
    expect([unknown.status, code(unknown.body)]).toEqual([400, 'BadRequest'])
  })

  it('lets a posted invoice change only promisedPayDate and the dispute fields, and a draft not those', async () => {
    const invoiceId = seeded.invoices[0]!
    const etag = String(bc.document(companyId, invoiceId)!['@odata.etag'])
    const path = company(`salesInvoices(${invoiceId})`)
    const other = await call('PATCH', path, { json: { externalDocumentNumber: 'KSEF' }, headers: { 'if-match': etag } })
    expect([other.status, code(other.body)]).toEqual([400, 'Application_DialogException'])
    expect((other.body as BcErrorBody).error.message).toMatch(
      /^The invoice has been posted and can no longer be modified\./,
    )
    const allowed = await call('PATCH', path, {
      json: { promisedPayDate: '2026-12-31' },
      headers: { 'if-match': etag },
    })
    expect([allowed.status, (allowed.body as Entity).promisedPayDate]).toEqual([200, '2026-12-31'])
    const draftId = seeded.drafts[0]!
    const draftEtag = String(bc.document(companyId, draftId)!['@odata.etag'])
    const draft = await call('PATCH', company(`salesInvoices(${draftId})`), {
      json: { promisedPayDate: '2026-12-31' },
      headers: { 'if-match': draftEtag },
    })
    expect([draft.status, code(draft.body)]).toEqual([400, 'Application_FieldValidationException'])
    const memo = seeded.creditMemos[0]!
    const memoEtag = String(bc.document(companyId, memo)!['@odata.etag'])
    const credit = await call('PATCH', company(`salesCreditMemos(${memo})`), {
      json: { externalDocumentNumber: 'K' },
      headers: { 'if-match': memoEtag },
    })
    expect((credit.body as BcErrorBody).error.message).toMatch(/^The credit memo has been posted/)
    expect((await call('DELETE', path)).status).toBe(400)
  })

  it('requires If-Match on PATCH and refuses a stale ETag with Request_EntityChanged', async () => {
    const invoiceId = seeded.invoices[0]!
    const path = company(`salesInvoices(${invoiceId})`)
    const stale = String(bc.document(companyId, invoiceId)!['@odata.etag'])
    const none = await call('PATCH', path, { json: { promisedPayDate: '2026-12-30' } })
    expect([none.status, code(none.body)]).toEqual([400, 'BadRequest_InvalidToken'])
    bc.touch(companyId, invoiceId)
    const conflict = await call('PATCH', path, {
      json: { promisedPayDate: '2026-12-30' },
      headers: { 'if-match': stale },
    })
    expect([conflict.status, code(conflict.body)]).toEqual([409, 'Request_EntityChanged'])
    const fresh = String(bc.document(companyId, invoiceId)!['@odata.etag'])
    const ok = await call('PATCH', path, { json: { promisedPayDate: '2026-12-30' }, headers: { 'if-match': fresh } })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('etag')).toBe((ok.body as Entity)['@odata.etag'])
    expect(ok.headers.get('etag')).not.toBe(fresh)
  })
})

describe('changes made by the test', () => {
  it('postInvoice adds a posted invoice for a new customer; touch gives it a new ETag and a later stamp', async () => {
    const id = bc.postInvoice(companyId, {
      customer: { name: 'Apteka Pod Lipami sp. z o.o.', nip: 'PL 526-587-76-35' },
      lines: [
        {
          lineType: 'Item',
          lineObjectNumber: '1000-X',
          description: 'Leki OTC',
          quantity: '3',
          unitPrice: '19.99',
          taxCode: 'VAT8',
        },
      ],
    })
    const read = await call('GET', company(`salesInvoices(${id})?$expand=customer,salesInvoiceLines`))
    const invoice = read.body as Entity
    expect(invoice).toMatchObject({
      status: 'Open',
      totalAmountExcludingTax: 59.97,
      totalTaxAmount: 4.8,
      totalAmountIncludingTax: 64.77,
      customer: { taxRegistrationNumber: 'PL 526-587-76-35', displayName: 'Apteka Pod Lipami sp. z o.o.' },
    })
    bc.touch(companyId, id)
    const touched = bc.document(companyId, id)!
    expect(touched['@odata.etag']).not.toBe(invoice['@odata.etag'])
    expect(String(touched.lastModifiedDateTime) > String(invoice.lastModifiedDateTime)).toBe(true)
  })
})
