import { isValidNip } from '@ksef-hub/fa3'
import { Decimal } from 'decimal.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BC_CONTRACT, contractClient } from './contract-check.ts'
import { type BcSeedResult, type FakeBc, startFakeBc } from './index.ts'

type Entity = Record<string, unknown>
type List = { value: Entity[]; '@odata.nextLink'?: string; '@odata.count'?: number }

let bc: FakeBc
let api: ReturnType<typeof contractClient>
let companyId: string
let seeded: BcSeedResult

beforeAll(async () => {
  bc = await startFakeBc({ pageSize: 5 })
  api = contractClient(bc)
  companyId = bc.companies[0]!.id
  seeded = bc.seed(companyId, {
    invoices: 14,
    creditMemos: 3,
    consumers: 1,
    withoutNip: 1,
    unmappedTaxCode: 1,
    unsupported: 1,
    drafts: 1,
    outsideKsefCorrections: 1,
  })
})
afterAll(() => bc.close())

/** GETs a path and checks the answer against the contract. */
async function get(path: string, headers: Record<string, string> = {}) {
  const answer = await api.call('GET', path, { headers })
  expect(answer.problems).toEqual([])
  return answer
}

/** Follows `@odata.nextLink` to the end. */
async function all(path: string, headers: Record<string, string> = {}): Promise<{ entities: Entity[]; pages: number }> {
  const entities: Entity[] = []
  let next: string | undefined = path
  let pages = 0
  while (next) {
    const page = (await get(next, headers)).body as List
    entities.push(...page.value)
    next = page['@odata.nextLink']
    pages += 1
    expect(pages).toBeLessThan(50)
  }
  return { entities, pages }
}

const invoices = () => `/companies(${companyId})/salesInvoices`

describe('companies and master data', () => {
  it('lists two companies, each with its seller NIP in companyInformation (one written with PL)', async () => {
    const companies = ((await get('/companies')).body as List).value
    expect(companies.map((company) => company.id)).toEqual(
      expect.arrayContaining(bc.companies.map((company) => company.id)),
    )
    const numbers: string[] = []
    for (const company of bc.companies) {
      const info = ((await get(`/companies(${company.id})/companyInformation`)).body as List).value
      expect(info).toHaveLength(1)
      numbers.push(String(info[0]?.taxRegistrationNumber))
      expect(info[0]?.['picture@odata.mediaReadLink']).toMatch(/\/picture$/)
    }
    expect(numbers).toEqual(bc.companies.map((company) => company.taxRegistrationNumber))
    expect(numbers.some((number) => number.startsWith('PL'))).toBe(true)
    expect(numbers.map((number) => isValidNip(number.replace(/^PL/, '')))).toEqual([true, true])
  })

  it("numbers each company's posted sales documents in its own series", async () => {
    const [first, second] = bc.companies.map((company) => company.id) as [string, string]
    const numberOf = (company: string, id: string) => String(bc.document(company, id)?.number)
    // The first company's are seeded (the other tests count them); the second's first document is posted here.
    const mine = numberOf(first, seeded.invoices[0] as string)
    const theirs = numberOf(second, bc.postInvoice(second))
    expect(mine).toMatch(/^FV\/\d{4}\/\d{5}$/)
    expect(theirs).toMatch(/^FVS\/\d{4}\/00001$/)
  })

  it('finds a vendor by taxRegistrationNumber, written as BC holds it', async () => {
    const found = (
      (await get(`/companies(${companyId})/vendors?$filter=taxRegistrationNumber eq 'PL5265877635'`)).body as List
    ).value
    expect(found.map((vendor) => vendor.displayName)).toEqual(['Biuro Rachunkowe Bilans sp. z o.o.'])
    const plain = (
      (await get(`/companies(${companyId})/vendors?$filter=taxRegistrationNumber eq '5265877635'`)).body as List
    ).value
    expect(plain).toEqual([])
  })

  it('has customers with NIPs typed plain, with PL, and with PL and dashes, and EUR exchange rates by day', async () => {
    const customers = (await all(`/companies(${companyId})/customers`)).entities
    const numbers = customers.map((customer) => String(customer.taxRegistrationNumber))
    expect(numbers.some((number) => /^\d{10}$/.test(number))).toBe(true)
    expect(numbers.some((number) => /^PL\d{10}$/.test(number))).toBe(true)
    expect(numbers.some((number) => /^PL \d{3}-\d{3}-\d{2}-\d{2}$/.test(number))).toBe(true)
    expect(numbers).toContain('')
    const rates = (
      (
        await get(
          `/companies(${companyId})/currencyExchangeRates?$filter=currencyCode eq 'EUR'&$orderby=startingDate desc&$top=2`,
        )
      ).body as List
    ).value
    expect(rates).toHaveLength(2)
    expect(rates[0]).toMatchObject({ currencyCode: 'EUR', exchangeRateAmount: 1, relationalCurrencyCode: '' })
    expect(String(rates[0]?.startingDate) > String(rates[1]?.startingDate)).toBe(true)
  })
})

describe('sales invoices', () => {
  it('pages with @odata.nextLink to the end, every document once, in lastModifiedDateTime order', async () => {
    const { entities, pages } = await all(`${invoices()}?$orderby=lastModifiedDateTime&$expand=salesInvoiceLines`)
    const ids = entities.map((entity) => entity.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids).toHaveLength(19)
    expect(pages).toBe(4)
    const stamps = entities.map((entity) => String(entity.lastModifiedDateTime))
    expect([...stamps].sort()).toEqual(stamps)
    expect(ids).toEqual(expect.arrayContaining([...seeded.invoices, ...seeded.drafts, ...seeded.beforeKsef]))
  })

  it('takes a smaller page from Prefer: odata.maxpagesize and says so', async () => {
    const answer = await get(invoices(), { prefer: 'odata.maxpagesize=2' })
    expect((answer.body as List).value).toHaveLength(2)
    expect(answer.headers.get('preference-applied')).toBe('odata.maxpagesize=2')
    expect((answer.body as List)['@odata.nextLink']).toContain('$skiptoken=')
  })

  it('keeps $top across pages and counts with $count', async () => {
    const { entities, pages } = await all(`${invoices()}?$top=7&$count=true`)
    expect([entities.length, pages]).toEqual([7, 2])
    expect(((await get(`${invoices()}?$count=true&$top=1`)).body as List)['@odata.count']).toBe(19)
  })

  it('filters by lastModifiedDateTime, number and status, and lists a touched invoice again, last', async () => {
    const first = ((await get(`${invoices()}?$orderby=lastModifiedDateTime&$top=1`)).body as List).value[0]!
    const since = String(first.lastModifiedDateTime)
    const after = (await all(`${invoices()}?$filter=lastModifiedDateTime gt ${since}&$orderby=lastModifiedDateTime`))
      .entities
    expect(after).toHaveLength(18)
    expect(after.map((entity) => entity.id)).not.toContain(first.id)
    const byNumber = ((await get(`${invoices()}?$filter=number eq '${String(first.number)}'`)).body as List).value
    expect(byNumber.map((entity) => entity.id)).toEqual([first.id])
    const drafts = ((await get(`${invoices()}?$filter=status eq 'Draft'`)).body as List).value
    expect(drafts.map((entity) => entity.id)).toEqual(seeded.drafts)
    bc.touch(companyId, String(first.id))
    const moved = (await all(`${invoices()}?$filter=lastModifiedDateTime gt ${since}&$orderby=lastModifiedDateTime`))
      .entities
    expect(moved.at(-1)?.id).toBe(first.id)
    expect(String(moved.at(-1)?.['@odata.etag'])).not.toBe(first['@odata.etag'])
  })

  it('expands lines and customer; amounts add up line by line and per document', async () => {
    for (const id of [...seeded.invoices, ...seeded.consumers]) {
      const invoice = (await get(`${invoices()}(${id})?$expand=salesInvoiceLines,customer`)).body as Entity
      expect(BC_CONTRACT.schemaProblems('customer', invoice.customer)).toEqual([])
      const lines = invoice.salesInvoiceLines as Entity[]
      const sum = (field: string) =>
        lines.reduce((total, line) => total.plus(String(line[field])), new Decimal(0)).toFixed(2)
      expect(sum('amountExcludingTax')).toBe(new Decimal(String(invoice.totalAmountExcludingTax)).toFixed(2))
      expect(sum('amountIncludingTax')).toBe(new Decimal(String(invoice.totalAmountIncludingTax)).toFixed(2))
      for (const line of lines.filter((item) => item.lineType !== 'Comment')) {
        const gross = invoice.pricesIncludeTax === true
        const value = new Decimal(String(line.quantity))
          .times(String(line.unitPrice))
          .minus(String(line.discountAmount))
        const expected = gross ? line.amountIncludingTax : line.amountExcludingTax
        expect(value.toDecimalPlaces(2).toFixed(2)).toBe(new Decimal(String(expected)).toFixed(2))
      }
    }
    const consumer = (await get(`${invoices()}(${seeded.consumers[0]})?$expand=customer`)).body as Entity
    expect(consumer).toMatchObject({ pricesIncludeTax: true, customer: { type: 'Person', taxRegistrationNumber: '' } })
  })

  it('holds PLN and EUR invoices, several tax codes, and the seeded refusals', async () => {
    const { entities } = await all(`${invoices()}?$expand=salesInvoiceLines`)
    const codes = new Set(
      entities.flatMap((entity) => (entity.salesInvoiceLines as Entity[]).map((line) => line.taxCode)),
    )
    expect([...codes]).toEqual(expect.arrayContaining(['VAT23', 'VAT8', 'VAT5', 'VAT0', 'ZW', 'VAT22']))
    expect(new Set(entities.map((entity) => entity.currencyCode))).toEqual(new Set(['PLN', 'EUR']))
    const unmapped = entities.find((entity) => entity.id === seeded.unmappedTaxCode[0])
    expect((unmapped!.salesInvoiceLines as Entity[]).map((line) => line.taxCode)).toContain('VAT22')
    const before = entities.find((entity) => entity.id === seeded.beforeKsef[0])
    expect(String(before?.invoiceDate) < '2026-02-01').toBe(true)
  })

  it('answers 404 for an unknown id and 400 for a key that is not a GUID, with BC error bodies', async () => {
    const missing = await get(`${invoices()}(3fa85f64-5717-4562-b3fc-2c963f66afa6)`)
    expect(missing.status).toBe(404)
    expect((missing.body as { error: { code: string } }).error.code).toBe('BadRequest_NotFound')
    expect((await get(`${invoices()}(42)`)).status).toBe(400)
    const unknown = await api.call('GET', `/companies(${companyId})/salesOrdersX`)
    expect(BC_CONTRACT.schemaProblems('ODataError', unknown.body)).toEqual([])
    expect([unknown.status, (unknown.body as { error: { code: string } }).error.code]).toEqual([
      404,
      'BadRequest_ResourceNotFound',
    ])
    const filter = await get(`${invoices()}?$filter=nosuchfield eq 'x'`)
    expect([filter.status, (filter.body as { error: { message: string } }).error.message]).toEqual([
      400,
      expect.stringMatching(/^Could not find a property named 'nosuchfield' .*CorrelationId/),
    ])
    expect((await get(`${invoices()}?$filter=number eq`)).status).toBe(400)
  })
})

describe('sales credit memos', () => {
  it('name the invoice they correct, and the seeded exceptions name none or an invoice from before KSeF', async () => {
    const memos = (await all(`/companies(${companyId})/salesCreditMemos?$expand=salesCreditMemoLines`)).entities
    expect(memos).toHaveLength(5)
    for (const id of seeded.creditMemos) {
      const memo = memos.find((entity) => entity.id === id)!
      expect(seeded.invoices).toContain(memo.invoiceId)
      const invoice = bc.document(companyId, String(memo.invoiceId))
      expect(memo.invoiceNumber).toBe(invoice?.number)
      expect((memo.salesCreditMemoLines as Entity[])[0]?.quantity).toBe(1)
    }
    const rebate = memos.find((entity) => entity.id === seeded.unsupported[0])
    expect(rebate).toMatchObject({ invoiceId: '00000000-0000-0000-0000-000000000000', invoiceNumber: '' })
    const outside = memos.find((entity) => entity.id === seeded.outsideKsefCorrections[0])
    expect(outside?.invoiceId).toBe(seeded.beforeKsef[0])
  })

  it('the contract check bites: an amount as a string or a status BC does not have is a problem', () => {
    const memo = bc.document(companyId, seeded.creditMemos[0]!)!
    expect(BC_CONTRACT.schemaProblems('salesCreditMemo', { ...memo, totalAmountIncludingTax: '100.00' })).toEqual([
      '/totalAmountIncludingTax must be number',
    ])
    expect(BC_CONTRACT.schemaProblems('salesCreditMemo', { ...memo, status: 'Posted' })).toEqual([
      '/status must be equal to one of the allowed values',
    ])
  })
})
