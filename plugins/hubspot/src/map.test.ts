import { isMappingError, isNotReadyError, type MappingError, type SourceDocument } from '@ksef-hub/connector-sdk'
import { withCreatedAt } from '@ksef-hub/connector-sdk/testing'
import { formatIssue, type InvoiceInput, validateInvoice } from '@ksef-hub/fa3'
import { describe, expect, it } from 'vitest'
import { mapDocument } from './map.ts'
import { settingsFor, testContext } from './test-context.ts'
import { hsCompany, hsInvoice, hsLine, pulled } from './test-fixtures.ts'

const { context } = testContext({ settings: settingsFor('http://127.0.0.1:9') })

async function invoiceOf(document: SourceDocument, mapContext = context): Promise<InvoiceInput> {
  const result = await mapDocument(mapContext, document)
  if (!('invoice' in result)) throw new Error(`skipped: ${result.skip}`)
  const report = validateInvoice(withCreatedAt(result.invoice, new Date()))
  expect(report.issues.filter((issue) => issue.severity === 'error').map(formatIssue)).toEqual([])
  return result.invoice
}

async function mappingError(document: SourceDocument, mapContext = context): Promise<MappingError> {
  try {
    await mapDocument(mapContext, document)
  } catch (error) {
    if (isMappingError(error)) return error
    throw error
  }
  throw new Error('expected a MappingError')
}

describe('a finalized HubSpot invoice', () => {
  it('becomes a valid VAT invoice: hs_number as P_2, the Warsaw day, the company’s NIP without PL', async () => {
    const invoice = await invoiceOf(pulled())
    expect(invoice.details).toMatchObject({ type: 'VAT', number: 'INV-1042', issueDate: '2026-11-20', currency: 'PLN' })
    expect(invoice.buyer).toMatchObject({ id: { kind: 'nip', nip: '7010002139' }, name: 'Adatum Sp. z o.o.' })
    expect(invoice.buyer.address).toEqual({ countryCode: 'PL', line1: 'ul. Długa 5', line2: '00-950 Warszawa' })
    expect(invoice.seller).toMatchObject({ nip: '5265877635', name: 'Acme Polska sp. z o.o.' })
    expect(invoice.details.totals).toMatchObject({ totalDue: '246.00' })
    expect(invoice.details.lines?.[0]).toMatchObject({
      name: 'Consulting',
      quantity: '2',
      unitNetPrice: '100',
      vatRate: '23',
    })
    expect(invoice.details.payment).toEqual({ dueDates: [{ date: '2026-12-04' }] })
  })

  it('keeps HubSpot’s line value and shows its discount per unit (P_10)', async () => {
    const line = hsLine({ quantity: '3', price: '10', amount: '25.5', hs_discount_percentage: '15' })
    const invoice = await invoiceOf(pulled({ lines: [line] }))
    expect(invoice.details.lines?.[0]).toMatchObject({ unitNetPrice: '10', discount: '1.5', netAmount: '25.50' })
    expect(invoice.details.totals).toMatchObject({ totalDue: '31.37' })
  })

  it('finds a tax-rate group by name when the table names it so, and an exempt one with its basis', async () => {
    const { context: byName } = testContext({
      settings: settingsFor('http://x.example', {
        taxCodes: {
          'VAT 8%': '8',
          ZW: { rate: 'zw', exemption: { kind: 'polishLaw', basis: 'art. 43 ust. 1 pkt 37 ustawy o VAT' } },
        },
      }),
    })
    const lines = [
      hsLine({ hs_tax_rate_group_id: '2' }),
      hsLine({ hs_tax_rate_group_id: '3', amount: '100', quantity: '1' }, '9002'),
    ]
    const invoice = await invoiceOf(pulled({ lines }), byName)
    expect(invoice.details.lines?.map((line) => line.vatRate)).toEqual(['8', 'zw'])
    expect(invoice.details.annotations).toMatchObject({ exemption: { basis: 'art. 43 ust. 1 pkt 37 ustawy o VAT' } })
  })

  it('sends a foreign currency at the rate the invoice property gives, and waits for one otherwise', async () => {
    const euro = hsInvoice({ hs_currency: 'EUR', ksef_exchange_rate: '4,2512' })
    const invoice = await invoiceOf(pulled({ invoice: euro }))
    expect(invoice.details.currency).toBe('EUR')
    expect(invoice.details.lines?.[0]).toMatchObject({ exchangeRate: '4.2512' })
    const error = await mappingError(pulled({ invoice: hsInvoice({ hs_currency: 'EUR' }) }))
    expect([error.code, error.field]).toEqual(['FIELD_INVALID', 'ksef_exchange_rate'])
    expect(error.fix).toContain('NBP')
  })

  it('identifies a company abroad by its EU VAT number, and one without a company as a consumer when allowed', async () => {
    const german = hsCompany({ country: 'Germany', nip: 'DE 123456789' })
    const invoice = await invoiceOf(pulled({ company: german, lines: [hsLine({ hs_tax_rate_group_id: '1' })] }))
    expect(invoice.buyer.id).toEqual({ kind: 'eu', countryCode: 'DE', vatNumber: '123456789' })
    const { context: consumers } = testContext({
      settings: settingsFor('http://x.example', { buyer: { withoutCompany: 'consumer' } }),
    })
    const consumer = await invoiceOf(pulled({ company: null }), consumers)
    expect(consumer.buyer).toMatchObject({ id: { kind: 'none' }, name: 'Jan Kowalski' })
  })

  it('is skipped while a draft, when voided, and when dated before the KSeF start', async () => {
    expect(await mapDocument(context, pulled({ invoice: hsInvoice({ hs_invoice_status: 'draft' }) }))).toEqual({
      skip: 'HubSpot invoice INV-1042 (id 3001) is a draft: it goes to KSeF once it is finalized',
    })
    const voided = await mapDocument(context, pulled({ invoice: hsInvoice({ hs_invoice_status: 'voided' }) }))
    expect('skip' in voided && voided.skip).toContain('voided')
    const { context: started } = testContext({
      settings: settingsFor('http://x.example', { ksefStartDate: '2026-12-01' }),
    })
    const early = await mapDocument(started, pulled())
    expect('skip' in early && early.skip).toContain('before the KSeF start date 2026-12-01')
  })
})

describe('an invoice that cannot be sent', () => {
  it('names the company property when the company has no NIP, and the fix in HubSpot', async () => {
    const error = await mappingError(pulled({ company: hsCompany({ nip: null }) }))
    expect([error.code, error.field]).toEqual(['BUYER_NIP_MISSING', 'company.nip'])
    expect(error.fix).toContain('company property nip of company Adatum Sp. z o.o. (id 7001)')
    expect(error.fix).toContain('/documents/retry')
    expect((await mappingError(pulled({ company: hsCompany({ nip: '1234567890' }) }))).code).toBe('BUYER_NIP_INVALID')
    expect((await mappingError(pulled({ company: null }))).code).toBe('BUYER_NIP_MISSING')
  })

  it('names the tax-rate group and the setting for an unmapped line', async () => {
    const error = await mappingError(pulled({ lines: [hsLine(), hsLine({ hs_tax_rate_group_id: '4' }, '9002')] }))
    expect([error.code, error.field]).toEqual(['TAX_CODE_UNMAPPED', 'line_items[1].hs_tax_rate_group_id'])
    expect(error.message).toContain('tax rate group 4 "Export 0%" (0 %), which settings.taxCodes does not map')
    expect(error.fix).toContain('add "4" (or its name "Export 0%") to the connection\'s taxCodes')
    const untaxed = await mappingError(pulled({ lines: [hsLine({ hs_tax_rate_group_id: null })] }))
    expect(untaxed.fix).toContain('settings.defaultTaxCode')
  })
})

describe('a correction', () => {
  const original = hsInvoice({ hs_number: 'INV-1000', hs_invoice_date: '2026-11-01T23:00:00.000Z' }, '3000')
  const credit = hsInvoice(
    {
      hs_number: 'INV-1050',
      hs_amount_billed: '-123',
      ksef_corrected_invoice_id: '3000',
      ksef_correction_reason: 'returned goods',
    },
    '3050',
  )
  const creditLine = hsLine({ quantity: '1', price: '-100', amount: '-100' })

  it('is a KOR of the invoice it names, with its KSeF number from the hub', async () => {
    const ksefNumber = '5265877635-20261102-0123456789AB-CD'
    const { context: sent } = testContext({
      settings: settingsFor('http://x.example'),
      sent: {
        '3000': { invoiceId: 'i1', number: 'INV-1000', issueDate: '2026-11-02', state: 'confirmed', ksefNumber },
      },
    })
    const invoice = await invoiceOf(pulled({ invoice: credit, lines: [creditLine], original }), sent)
    expect(invoice.details.type).toBe('KOR')
    expect(invoice.details.correction).toMatchObject({
      reason: 'returned goods',
      correctedInvoices: [{ number: 'INV-1000', issueDate: '2026-11-02', ksefNumber }],
    })
    expect(invoice.details.lines?.[0]).toMatchObject({ quantity: '-1', unitNetPrice: '100', netAmount: '-100.00' })
  })

  it('waits while its invoice has no KSeF number, and names the property when it names none', async () => {
    await expect(mapDocument(context, pulled({ invoice: credit, lines: [creditLine], original }))).rejects.toSatisfy(
      isNotReadyError,
    )
    const nameless = hsInvoice({ hs_amount_billed: '-123' })
    const error = await mappingError(pulled({ invoice: nameless, lines: [creditLine] }))
    expect([error.code, error.field]).toEqual(['ORIGINAL_NOT_FOUND', 'ksef_corrected_invoice_id'])
    const missing = await mappingError(pulled({ invoice: credit, lines: [creditLine], original: null }))
    expect(missing.message).toContain('corrects invoice 3000, which HubSpot does not have')
  })

  it('is refused as unsupported when the connection takes no corrections', async () => {
    const { context: none } = testContext({
      settings: settingsFor('http://x.example', { corrections: { mode: 'none' } }),
    })
    const error = await mappingError(pulled({ invoice: credit, lines: [creditLine], original }), none)
    expect(error.code).toBe('DOCUMENT_TYPE_UNSUPPORTED')
  })
})
