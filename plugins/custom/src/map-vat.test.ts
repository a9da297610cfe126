import { isMappingError, type MapResult, type TenantInfo } from '@ksef-hub/connector-sdk'
import { type InvoiceInput, validateInvoice } from '@ksef-hub/fa3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FAKE_SELLER, FAKE_TAX_CODES, type FakeDocument, type FakeErp, startFakeErp, ZW_BASIS } from '../fake/index.ts'
import { DEFAULT_MAPPING } from './defaults.ts'
import custom from './index.ts'
import { fakeSettings, testContext } from './test-context.ts'

const tenant: TenantInfo = { id: 'tenant-1', nip: '5265877635', name: FAKE_SELLER.name }
let erp: FakeErp
let documents: FakeDocument[]

beforeAll(async () => {
  erp = await startFakeErp()
  documents = erp.seed({ invoices: 20 }).invoices.map((ref) => erp.document(ref)!)
})
afterAll(() => erp.close())

function map(data: unknown, settings: Record<string, unknown> = {}): Promise<MapResult> {
  const { context } = testContext({ settings: fakeSettings(erp, settings), secrets: { apiKey: erp.apiKey }, tenant })
  return custom.map!(context, { ref: 'doc-1', data })
}

/** The invoice, after checking that it passes fa3 in full (with the creation time the hub sets). */
async function valid(result: Promise<MapResult>): Promise<InvoiceInput> {
  const mapped = await result
  if (!('invoice' in mapped)) throw new Error(`skipped: ${mapped.skip}`)
  const createdAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
  expect(validateInvoice({ ...mapped.invoice, header: { ...mapped.invoice.header, createdAt } }).issues).toEqual([])
  return mapped.invoice
}

async function mappingError(result: Promise<unknown>) {
  const error = await result.then(
    () => undefined,
    (failure: unknown) => failure,
  )
  if (!isMappingError(error)) throw new Error(`expected a MappingError, got ${String(error)}`)
  return error
}

const domestic = () => documents.find((document) => document.currency === 'PLN' && !document.pricesIncludeTax)!
const exemptLine = { description: 'Badania okresowe', sku: 'MED', quantity: '2', unit: 'os.', unitPrice: '150.00' }

describe('buyers', () => {
  it('an intra-EU buyer by its EU VAT number (0 WDT), at the exchange rate', async () => {
    const wdt = documents.find((document) => document.customer.vatId !== null)!
    const invoice = await valid(map(wdt))
    expect(invoice.buyer.id).toEqual({
      kind: 'eu',
      countryCode: wdt.customer.vatId?.slice(0, 2),
      vatNumber: wdt.customer.vatId?.slice(2),
    })
    expect(invoice.details.lines?.map((line) => line.vatRate)).toContain('0 WDT')
    expect(invoice.details.lines?.[0]?.exchangeRate).toBe(wdt.exchangeRate)
  })

  it("a buyer outside the EU by its country's tax id, and a consumer by none, as the expression says", async () => {
    const identity =
      '"identity": customer.taxId ? { "kind": "foreign", "countryCode": customer.address.country, ' +
      '"taxId": customer.taxId } : customer.consumer ? { "kind": "none" },'
    const expression = DEFAULT_MAPPING.replace('"nip": customer.nip,', `"nip": customer.nip, ${identity}`)
    const base = domestic()
    const address = { street: '350 Fifth Avenue', postalCode: '10118', city: 'New York', country: 'US' }
    const foreign = { ...base, customer: { ...base.customer, nip: null, taxId: '12-3456789', address } }
    const lines = [{ ...base.lines[0]!, taxCode: 'EXPORT-SRV' }]
    const taxCodes = { ...FAKE_TAX_CODES, 'EXPORT-SRV': 'np II' }
    const abroad = await valid(map({ ...foreign, lines }, { mapping: { expression }, taxCodes }))
    expect(abroad.buyer.id).toEqual({ kind: 'foreign', countryCode: 'US', taxId: '12-3456789' })
    const consumer = { ...base, customer: { ...base.customer, nip: null, consumer: true } }
    expect((await valid(map(consumer, { mapping: { expression } }))).buyer.id).toEqual({ kind: 'none' })
  })

  it('an identity that does not fit, by its field', async () => {
    const expression = DEFAULT_MAPPING.replace(
      '"nip": customer.nip,',
      '"identity": { "kind": "eu", "countryCode": customer.countryCode, "vatNumber": customer.vatNumber },',
    )
    const customer = { ...domestic().customer, countryCode: 'Deutschland', vatNumber: '811907980' }
    const data = { ...domestic(), customer }
    const error = await mappingError(map(data, { mapping: { expression } }))
    expect([error.code, error.field]).toEqual(['FIELD_INVALID', 'customer.countryCode'])
    expect(error.message).toMatch(/gave buyer\.identity\.countryCode from source field customer\.countryCode that/)
  })
})

describe('exempt supplies and reverse charge', () => {
  const exempt = () => ({ ...domestic(), lines: [{ ...exemptLine, taxCode: 'ZW' }, domestic().lines[0]!] })

  it("take the exemption's basis from the tax table, or from the document when it names its own", async () => {
    const fromTable = await valid(map({ ...exempt(), exemptionBasis: null }))
    expect(fromTable.details.annotations?.exemption).toEqual({ kind: 'polishLaw', basis: ZW_BASIS })
    const basis = 'art. 43 ust. 1 pkt 29 lit. c ustawy o VAT'
    const fromDocument = await valid(map({ ...exempt(), exemptionBasis: basis }))
    expect(fromDocument.details.annotations?.exemption).toEqual({ kind: 'polishLaw', basis })
    // Expressions written for earlier versions said "law" for the kind of provision.
    const expression = DEFAULT_MAPPING.replace('{ "kind": "polishLaw", "basis"', '{ "law": "directive", "basis"')
    const directive = await valid(
      map({ ...exempt(), exemptionBasis: 'art. 132 ust. 1 lit. i' }, { mapping: { expression } }),
    )
    expect(directive.details.annotations?.exemption).toEqual({ kind: 'directive', basis: 'art. 132 ust. 1 lit. i' })
  })

  it('stop an exempt line without a basis, naming the line and the fix', async () => {
    const taxCodes = { ...FAKE_TAX_CODES, ZW: 'zw' }
    const error = await mappingError(map({ ...exempt(), exemptionBasis: null }, { taxCodes }))
    expect([error.code, error.field]).toEqual(['EXEMPTION_BASIS_MISSING', 'lines[0].taxCode'])
    expect(error.fix).toMatch(/^give "ZW" its basis in the connection's tax table: ZW: \{ rate: zw, exemption:/)
  })

  it('mark reverse charge for a line whose code stands for "oo"', async () => {
    const taxCodes = { ...FAKE_TAX_CODES, OO: 'oo' }
    const data = { ...domestic(), lines: [{ ...domestic().lines[0]!, taxCode: 'OO' }] }
    const invoice = await valid(map(data, { taxCodes }))
    expect(invoice.details.annotations?.reverseCharge).toBe(true)
    expect(invoice.details.lines?.[0]?.vatRate).toBe('oo')
  })
})
