import { describe, expect, it } from 'vitest'
import { MappingError } from '../errors.ts'
import { base, contextWith, rejection, TAX_CODES, validated } from './sales-document.fixtures.ts'
import { composeInvoice } from './sales-document.ts'
import type { Exemption, SalesDocument } from './sales-document-schema.ts'
import type { TaxCodeTable } from './tax-codes.ts'

const MEDICAL: Exemption = { kind: 'polishLaw', basis: 'art. 43 ust. 1 pkt 18 ustawy o VAT' }
const TABLE: TaxCodeTable = {
  ...TAX_CODES,
  WDT: '0 WDT',
  EXPORT: '0 EX',
  OO: 'oo',
  'ZW-MED': { rate: 'zw', exemption: MEDICAL },
}
const context = () => contextWith({}, TABLE)

/** The base document to another buyer, with these lines. */
function to(buyer: Partial<SalesDocument['buyer']>, lines: SalesDocument['lines']): SalesDocument {
  return { ...base, buyer: { ...base.buyer, nipCandidates: [], ...buyer }, lines }
}

const line = (taxCode: string, unitPrice = '1275.00') => ({ name: 'Wrzeciono CNC', quantity: '2', unitPrice, taxCode })
const exemptLine = (taxCode: string) => ({ name: 'Badania okresowe', quantity: '3', unitPrice: '150.00', taxCode })

describe('composeInvoice: buyers without a Polish NIP', () => {
  it('an EU buyer by its VAT number, an intra-EU supply at 0 WDT in EUR: valid in full', async () => {
    const document: SalesDocument = {
      ...to({ name: 'Müller Maschinenbau GmbH', identity: { kind: 'eu', countryCode: 'DE', vatNumber: '811907980' } }, [
        line('WDT'),
      ]),
      currency: 'EUR',
      exchangeRate: '4.2563',
    }
    const report = validated(await composeInvoice(document, context()))
    expect(report.invoice?.buyer.id).toEqual({ kind: 'eu', countryCode: 'DE', vatNumber: '811907980' })
    expect(report.invoice?.details.lines?.[0]).toMatchObject({ vatRate: '0 WDT', exchangeRate: '4.2563' })
    expect(report.invoice?.details.totals.totalDue).toBe('2550.00')
  })

  it("a buyer outside the EU by its country's tax id (export at 0 EX), and one without: valid in full", async () => {
    const foreign = to({ name: 'Acme Corp.', identity: { kind: 'foreign', countryCode: 'US', taxId: '12-3456789' } }, [
      line('EXPORT'),
    ])
    const exported = validated(await composeInvoice(foreign, context()))
    expect(exported.invoice?.buyer.id).toEqual({ kind: 'foreign', countryCode: 'US', taxId: '12-3456789' })
    expect(exported.invoice?.details.totals.totalDue).toBe('2550.00')
    // A consumer: no tax id at all; the NIP candidates are not consulted (a stray one cannot slip in).
    const consumer = { ...to({ name: 'Jan Kowalski', identity: { kind: 'none' } }, [line('VAT23', '100.00')]) }
    consumer.buyer.nipCandidates = base.buyer.nipCandidates
    const sold = validated(await composeInvoice(consumer, context()))
    expect(sold.invoice?.buyer.id).toEqual({ kind: 'none' })
    expect(sold.invoice?.details.totals.totalDue).toBe('246.00')
  })
})

describe('composeInvoice: exempt supplies and reverse charge', () => {
  it("takes an exempt line's basis from the tax table: valid in full", async () => {
    const document = { ...base, lines: [base.lines[0] as SalesDocument['lines'][number], exemptLine('ZW-MED')] }
    const report = validated(await composeInvoice(document, context()))
    expect(report.invoice?.details.annotations?.exemption).toEqual(MEDICAL)
    expect(report.invoice?.details.lines?.map((item) => item.vatRate)).toEqual(['23', 'zw'])
    expect(report.invoice?.details.totals.exempt).toBe('450.00')
  })

  it("takes the document's own basis first, for a code with or without one in the table", async () => {
    const own: Exemption = { kind: 'directive', basis: 'art. 132 ust. 1 lit. i dyrektywy 2006/112/WE' }
    for (const code of ['ZW', 'ZW-MED']) {
      const report = validated(await composeInvoice({ ...base, lines: [exemptLine(code)], exemption: own }, context()))
      expect(report.invoice?.details.annotations?.exemption, code).toEqual(own)
    }
  })

  it('stops an exempt line without a basis, naming the line, its code and the fix', async () => {
    const document = { ...base, lines: [base.lines[0] as SalesDocument['lines'][number], exemptLine('ZW')] }
    const error = (await rejection(composeInvoice(document, context()))) as MappingError
    expect(error).toBeInstanceOf(MappingError)
    expect(error).toMatchObject({ code: 'EXEMPTION_BASIS_MISSING', field: 'lines[1].taxCode' })
    expect(error.message).toBe(
      'invoice FV/1 (ref 42) has a VAT-exempt line (tax code "ZW") but no legal basis for the exemption',
    )
    expect(error.fix).toMatch(/^give "ZW" its basis in the connection's tax table: ZW: \{ rate: zw, exemption: \{/)
  })

  it('marks reverse charge for an "oo" line: valid in full', async () => {
    const document = { ...base, lines: [line('OO', '1000.00'), base.lines[0] as SalesDocument['lines'][number]] }
    const report = validated(await composeInvoice(document, context()))
    expect(report.invoice?.details.annotations?.reverseCharge).toBe(true)
    expect(report.invoice?.details.lines?.[0]?.vatRate).toBe('oo')
    // The buyer accounts for the VAT: the seller's invoice adds none for that line.
    expect(report.invoice?.details.totals.totalDue).toBe('2246.00')
    const plain = validated(await composeInvoice(base, context()))
    expect(plain.invoice?.details.annotations?.reverseCharge ?? false).toBe(false)
  })
})
