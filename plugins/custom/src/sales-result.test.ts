import { describe, expect, it } from 'vitest'
import { readSalesResult } from './sales-result.ts'

const line = { name: 'Konsultacje', quantity: 2, unitPrice: 180.5, taxCode: 23 }

describe("reading a mapping's result in the source's ways", () => {
  it('takes null and blank text as absent, numbers as decimal text, instants as days in Warsaw', () => {
    const reading = readSalesResult(
      {
        number: 7,
        issueDate: '2026-07-01T23:30:00Z',
        saleDate: '',
        exchangeRate: null,
        lines: line,
        payment: { dueDate: '2026-07-15T00:30:00+02:00', bankAccount: '61 1090 1014 0000 0712 1981 2874' },
        correction: { original: { ref: 1042, issueDate: '2026-06-30T22:00:00.000Z', outsideKsef: false } },
      },
      'customer.nip',
    )
    expect(reading.issues).toEqual([])
    expect(reading.document).toEqual({
      kind: 'invoice',
      number: '7',
      issueDate: '2026-07-02',
      lines: [{ name: 'Konsultacje', quantity: '2', unitPrice: '180.5', taxCode: '23' }],
      payment: { dueDate: '2026-07-15', bankAccount: '61109010140000071219812874' },
      correction: { original: { ref: '1042', issueDate: '2026-07-01', outsideKsef: false } },
    })
  })

  it('refuses a number a float cannot hold exactly, and a day that is neither a date nor an instant', () => {
    const reading = readSalesResult(
      { issueDate: '01.07.2026', lines: [{ ...line, unitPrice: 1234567890.1234567 }] },
      'buyer.nip',
    )
    expect(reading.issues).toEqual([
      {
        path: ['lines', 0, 'unitPrice'],
        message: 'must be a decimal number of at most 15 significant digits (give it as a string)',
      },
      { path: ['issueDate'], message: 'must be a date (YYYY-MM-DD) or a time with its zone (ISO 8601)' },
    ])
  })

  it("identifies the buyer by its NIP's source field, else by its EU VAT number", () => {
    const withNip = readSalesResult({ buyer: { name: 'A', nip: 5265877635, euVatId: 'PL5265877635' } }, 'customer.nip')
    expect(withNip.document.buyer).toEqual({ name: 'A', nipCandidates: [['customer.nip', '5265877635']] })
    expect(withNip.origin(['buyer', 'nipCandidates', 0, 1])).toEqual(['buyer', 'nip'])
    const eu = readSalesResult({ buyer: { name: 'B', nip: null, euVatId: 'de 811-907-980' } }, 'customer.nip')
    expect(eu.document.buyer).toEqual({
      name: 'B',
      nipCandidates: [['customer.nip', undefined]],
      identity: { kind: 'eu', countryCode: 'DE', vatNumber: '811907980' },
    })
    expect(eu.origin(['buyer', 'identity', 'vatNumber'])).toEqual(['buyer', 'euVatId'])
    expect(eu.origin(['buyer', 'name'])).toEqual(['buyer', 'name'])
    const wrong = readSalesResult({ buyer: { name: 'C', euVatId: '811907980' } }, 'customer.nip')
    expect(wrong.issues).toEqual([
      { path: ['buyer', 'euVatId'], message: 'must be an EU VAT number with its country prefix' },
    ])
  })

  it('keeps an identity the expression gives, and reads the exemption kind of earlier versions', () => {
    const identity = { kind: 'foreign', countryCode: 'US', taxId: '12-3456789' }
    const foreign = readSalesResult({ buyer: { name: 'D', identity, euVatId: 'DE811907980' } }, 'buyer.nip')
    expect(foreign.document.buyer).toMatchObject({ identity })
    const law = readSalesResult({ exemption: { law: 'directive', basis: 'art. 132' } }, 'buyer.nip')
    expect(law.document.exemption).toEqual({ kind: 'directive', basis: 'art. 132' })
    expect(law.origin(['exemption', 'kind'])).toEqual(['exemption', 'law'])
    const plain = readSalesResult({ exemption: { basis: 'art. 43 ust. 1 pkt 18 ustawy o VAT' } }, 'buyer.nip')
    expect(plain.document.exemption).toEqual({ kind: 'polishLaw', basis: 'art. 43 ust. 1 pkt 18 ustawy o VAT' })
  })

  it('is not a sales document when the expression gives no object', () => {
    expect(readSalesResult(['FV/1'], 'buyer.nip').issues).toEqual([
      { path: [], message: 'is not an object (the sales document)' },
    ])
  })
})
