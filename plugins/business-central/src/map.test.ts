import { withCreatedAt } from '@ksef-hub/connector-sdk/testing'
import { formatIssue, type InvoiceInput, validateInvoice } from '@ksef-hub/fa3'
import { describe, expect, it } from 'vitest'
import { mapDocument } from './map.ts'
import { settingsFor, testContext } from './test-context.ts'
import { bcCustomer, bcInvoice, bcLine, pulled } from './test-fixtures.ts'

const { context } = testContext({ settings: settingsFor('http://127.0.0.1:9') })

async function invoiceOf(record: Record<string, unknown>, extra = {}): Promise<InvoiceInput> {
  const result = await mapDocument(context, pulled('salesInvoices', record, extra))
  if (!('invoice' in result)) throw new Error(`skipped: ${result.skip}`)
  const report = validateInvoice(withCreatedAt(result.invoice, new Date()))
  expect(report.issues.filter((issue) => issue.severity === 'error').map(formatIssue)).toEqual([])
  return result.invoice
}

describe('a posted sales invoice', () => {
  it('becomes a valid VAT invoice: BC number as P_2, document date, buyer NIP without PL, totals', async () => {
    const invoice = await invoiceOf(bcInvoice({ number: '103001' }))
    expect(invoice.details).toMatchObject({ type: 'VAT', number: '103001', issueDate: '2026-11-16', currency: 'PLN' })
    expect(invoice.buyer).toMatchObject({ id: { kind: 'nip', nip: '7010002139' }, name: 'Adatum sp. z o.o.' })
    expect(invoice.buyer.address).toEqual({ countryCode: 'PL', line1: 'ul. Prosta 1', line2: '00-001 Warszawa' })
    expect(invoice.seller).toMatchObject({ nip: '5265877635', name: 'CRONUS Polska sp. z o.o.' })
    expect(invoice.details.totals).toMatchObject({ totalDue: '246.00' })
    expect(invoice.details.lines?.[0]).toMatchObject({
      name: 'ATHENS Desk',
      index: '1896-S',
      unit: 'PCS',
      quantity: '2',
      unitNetPrice: '100',
      netAmount: '200.00',
      vatRate: '23',
    })
    expect(invoice.details.payment).toEqual({ dueDates: [{ date: '2026-11-30' }] })
  })

  it('shows line and invoice discounts per unit (P_10) and keeps BC values', async () => {
    const discounted = bcLine({
      quantity: 3,
      unitPrice: 10,
      discountAmount: 3,
      netAmount: 25.5,
      netAmountIncludingTax: 31.37,
    })
    const invoice = await invoiceOf(bcInvoice({ salesInvoiceLines: [discounted] }))
    expect(invoice.details.lines?.[0]).toMatchObject({ unitNetPrice: '10', discount: '1.5', netAmount: '25.50' })
    expect(invoice.details.totals).toMatchObject({ totalDue: '31.37' })
  })

  it('reads gross prices when BC prices include VAT, and leaves comment lines out', async () => {
    const line = bcLine({ quantity: 1, unitPrice: 123, netAmountIncludingTax: 123, netAmount: 100 })
    const comment = { lineType: 'Comment', description: 'Dziękujemy', quantity: 0, unitPrice: 0, taxCode: '' }
    const invoice = await invoiceOf(bcInvoice({ pricesIncludeTax: true, salesInvoiceLines: [comment, line] }))
    expect(invoice.details.lines).toHaveLength(1)
    expect(invoice.details.lines?.[0]).toMatchObject({ unitGrossPrice: '123', grossAmount: '123.00' })
    expect(invoice.details.totals).toMatchObject({ totalDue: '123.00' })
  })

  it('takes the NIP from the bill-to customer when BC invoices another customer', async () => {
    const billTo = bcCustomer({
      id: 'c1a2b3c4-0000-4000-8000-000000000002',
      number: 'C00020',
      taxRegistrationNumber: '526-587-76-35',
    })
    const invoice = await invoiceOf(bcInvoice(), { billToCustomer: billTo })
    expect(invoice.buyer.id).toEqual({ kind: 'nip', nip: '5265877635' })
  })

  it('takes the NIP from the fields the connection names, in order', async () => {
    const settings = settingsFor('http://127.0.0.1:9', {
      buyer: { nipFields: ['document.externalDocumentNumber', 'customer.taxRegistrationNumber'] },
    })
    const own = testContext({ settings }).context
    const record = bcInvoice({ externalDocumentNumber: 'PL 526 587 76 35' })
    const result = await mapDocument(own, pulled('salesInvoices', record))
    expect('invoice' in result && result.invoice.buyer.id).toEqual({ kind: 'nip', nip: '5265877635' })
  })

  it('identifies an EU customer by its VAT number and country', async () => {
    const customer = bcCustomer({ country: 'DE', taxRegistrationNumber: 'DE123456789' })
    const invoice = await invoiceOf(
      bcInvoice({
        billToCountry: 'DE',
        customer,
        salesInvoiceLines: [bcLine({ taxCode: 'EXPORT', netAmountIncludingTax: 200 })],
      }),
    )
    expect(invoice.buyer.id).toEqual({ kind: 'eu', countryCode: 'DE', vatNumber: '123456789' })
    expect(invoice.buyer.address?.countryCode).toBe('DE')
  })

  it('converts a foreign currency at the rate the pull found', async () => {
    const invoice = await invoiceOf(bcInvoice({ currencyCode: 'EUR' }), { exchangeRate: '4.2512' })
    expect(invoice.details.currency).toBe('EUR')
    expect(invoice.details.lines?.[0]).toMatchObject({ exchangeRate: '4.2512' })
  })

  it('reads an empty currency code as the company currency (PLN)', async () => {
    const invoice = await invoiceOf(bcInvoice({ currencyCode: '' }))
    expect(invoice.details.currency).toBe('PLN')
  })

  it('gives the sale date from the posting date only when the connection says so', async () => {
    const record = bcInvoice({ invoiceDate: '2026-11-16', postingDate: '2026-11-14' })
    expect((await invoiceOf(record)).details).not.toHaveProperty('deliveryDate')
    const settings = settingsFor('http://127.0.0.1:9', { documents: { saleDate: 'postingDate' } })
    const result = await mapDocument(testContext({ settings }).context, pulled('salesInvoices', record))
    expect('invoice' in result && result.invoice.details.deliveryDate).toBe('2026-11-14')
  })
})

describe('documents that are not for KSeF', () => {
  it('skips a draft and a document in review until they are posted', async () => {
    for (const status of ['Draft', 'In Review']) {
      const result = await mapDocument(context, pulled('salesInvoices', bcInvoice({ number: 'S-INV1', status })))
      expect(result).toEqual({ skip: expect.stringContaining(`is not posted yet (status ${status})`) })
    }
  })

  it('skips a status the connection does not send', async () => {
    const settings = settingsFor('http://127.0.0.1:9', { documents: { statuses: ['Open'] } })
    const result = await mapDocument(
      testContext({ settings }).context,
      pulled('salesInvoices', bcInvoice({ status: 'Paid' })),
    )
    expect(result).toEqual({ skip: expect.stringContaining('settings.documents.statuses') })
  })

  it('skips a document dated before the KSeF start date', async () => {
    const settings = settingsFor('http://127.0.0.1:9', { ksefStartDate: '2026-12-01' })
    const result = await mapDocument(testContext({ settings }).context, pulled('salesInvoices', bcInvoice()))
    expect(result).toEqual({ skip: expect.stringContaining('before the KSeF start date 2026-12-01') })
  })
})
