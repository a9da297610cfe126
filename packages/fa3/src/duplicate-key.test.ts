import { describe, expect, it } from 'vitest'
import { duplicateKey } from './duplicate-key.ts'
import { sample } from './testing/samples.ts'
import { parseInvoiceXml } from './xml/parse.ts'

describe('duplicateKey', () => {
  it('is seller NIP, invoice type and invoice number, as KSeF compares them', () => {
    const invoice = parseInvoiceXml(sample('02-KOR').xml)
    expect(duplicateKey(invoice)).toEqual({
      sellerNip: '9999999999',
      invoiceType: 'KOR',
      invoiceNumber: 'FK2026/03/200',
      value: '9999999999|KOR|FK2026/03/200',
    })
  })

  it('differs when only the type differs (a VAT and a KOR may share a number)', () => {
    const vat = parseInvoiceXml(sample('01-VAT').xml)
    const asKor = { ...vat, details: { ...vat.details, type: 'KOR' as const } }
    expect(duplicateKey(vat).value).not.toBe(duplicateKey(asKor).value)
  })
})
