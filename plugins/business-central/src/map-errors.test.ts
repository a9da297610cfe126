import { isMappingError, type MappingError } from '@ksef-hub/connector-sdk'
import { describe, expect, it } from 'vitest'
import { mapDocument } from './map.ts'
import { settingsFor, testContext } from './test-context.ts'
import { bcCompanyInformation, bcCustomer, bcInvoice, bcLine, pulled } from './test-fixtures.ts'

async function failure(record: Record<string, unknown>, extra = {}, settings = {}): Promise<MappingError> {
  const { context } = testContext({ settings: settingsFor('http://127.0.0.1:9', settings) })
  try {
    await mapDocument(context, pulled('salesInvoices', record, extra))
  } catch (error) {
    if (isMappingError(error)) return error
    throw error
  }
  throw new Error('mapped, although it must not')
}

describe('a document that cannot be an invoice says why, where, and the fix in BC', () => {
  it('a customer without a NIP: BUYER_NIP_MISSING naming the customer and the field', async () => {
    const error = await failure(bcInvoice({ customer: bcCustomer({ taxRegistrationNumber: '' }) }))
    expect(error.code).toBe('BUYER_NIP_MISSING')
    expect(error.field).toBe('customer.taxRegistrationNumber')
    expect(error.message).toContain('customer C00010 (Adatum sp. z o.o.)')
    expect(error.fix).toContain('VAT Registration No. of customer C00010')
  })

  it('a NIP with a wrong checksum: BUYER_NIP_INVALID', async () => {
    const error = await failure(bcInvoice({ customer: bcCustomer({ taxRegistrationNumber: 'PL7010002138' }) }))
    expect(error.code).toBe('BUYER_NIP_INVALID')
    expect(error.fix).toContain('correct the VAT Registration No.')
  })

  it('a person without a NIP is an error unless the connection sends consumers', async () => {
    const person = bcCustomer({ type: 'Person', taxRegistrationNumber: '' })
    expect((await failure(bcInvoice({ customer: person }))).code).toBe('BUYER_NIP_MISSING')
    const settings = settingsFor('http://127.0.0.1:9', { buyer: { personsWithoutNip: 'consumer' } })
    const result = await mapDocument(
      testContext({ settings }).context,
      pulled('salesInvoices', bcInvoice({ customer: person })),
    )
    expect('invoice' in result && result.invoice.buyer.id).toEqual({ kind: 'none' })
  })

  it('an unmapped tax code: TAX_CODE_UNMAPPED naming the code, the BC line and settings.taxCodes', async () => {
    const lines = [bcLine(), bcLine({ taxCode: 'VAT5' })]
    const error = await failure(bcInvoice({ salesInvoiceLines: lines }))
    expect(error.code).toBe('TAX_CODE_UNMAPPED')
    expect(error.field).toBe('salesInvoiceLines[1].taxCode')
    expect(error.message).toContain('"VAT5"')
    expect(error.fix).toContain('taxCodes')
  })

  it('a line without a tax code: TAX_CODE_UNMAPPED with the fix in BC', async () => {
    const error = await failure(bcInvoice({ salesInvoiceLines: [bcLine({ taxCode: '' })] }))
    expect(error).toMatchObject({ code: 'TAX_CODE_UNMAPPED', field: 'salesInvoiceLines[0].taxCode' })
    expect(error.fix).toContain('VAT Prod. Posting Group')
  })

  it('a prepayment invoice (by number series or account): DOCUMENT_TYPE_UNSUPPORTED, never sent as VAT', async () => {
    const byNumber = await failure(bcInvoice({ number: 'PPI-0001' }), {}, { prepayment: { numberPrefixes: ['PPI-'] } })
    expect(byNumber).toMatchObject({ code: 'DOCUMENT_TYPE_UNSUPPORTED', field: 'number' })
    expect(byNumber.message).toContain('prepayment invoice')
    expect(byNumber.fix).toContain('ZAL')
    const line = bcLine({ lineType: 'Account', lineObjectNumber: '2330' })
    const byAccount = await failure(
      bcInvoice({ salesInvoiceLines: [line] }),
      {},
      { prepayment: { accounts: ['2330'] } },
    )
    expect(byAccount.message).toContain('prepayment account 2330')
  })

  it('a company whose NIP is not the tenant: FIELD_INVALID, nothing sent in the wrong name', async () => {
    const company = bcCompanyInformation({ taxRegistrationNumber: '7010002139' })
    const error = await failure(bcInvoice(), { company })
    expect(error).toMatchObject({ code: 'FIELD_INVALID', field: 'companyInformation.taxRegistrationNumber' })
  })

  it('a company without an address: FIELD_INVALID naming Company Information', async () => {
    const error = await failure(bcInvoice(), { company: bcCompanyInformation({ addressLine1: '' }) })
    expect(error.field).toBe('companyInformation.addressLine1')
  })

  it('a foreign currency without a rate: FIELD_INVALID naming the currency and where to enter its rate', async () => {
    const error = await failure(bcInvoice({ currencyCode: 'EUR' }), { exchangeRate: null })
    expect(error).toMatchObject({ code: 'FIELD_INVALID', field: 'currencyCode' })
    expect(error.fix).toContain('Currency Exchange Rates')
  })

  it('a record of another shape: FIELD_INVALID naming the field', async () => {
    const { number: _, ...record } = bcInvoice()
    const error = await failure(record)
    expect(error).toMatchObject({ code: 'FIELD_INVALID', field: 'document.number' })
  })
})
