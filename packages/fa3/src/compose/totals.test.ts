import { describe, expect, it } from 'vitest'
import { typicalInvoice } from '../testing/typical.ts'
import { validateInvoice } from '../validate/validate.ts'
import { totalsFromLines } from './totals.ts'

describe('totalsFromLines', () => {
  it('gives the totals of a typical invoice, which then passes every business rule', () => {
    const invoice = typicalInvoice({ lines: 23, issueDate: '2026-11-02' })
    const totals = totalsFromLines(invoice.details.lines ?? [], { currency: 'PLN' })
    expect(totals).toEqual(invoice.details.totals)
    const report = validateInvoice(
      { ...invoice, details: { ...invoice.details, totals } },
      { now: new Date('2026-11-03') },
    )
    expect(report.issues.filter((issue) => issue.severity === 'error')).toEqual([])
  })

  it('rounds VAT per bucket half away from zero and adds zero-rated and exempt lines without VAT', () => {
    const totals = totalsFromLines(
      [
        { number: 1, netAmount: '0.50', vatRate: '23' },
        { number: 2, netAmount: '10.00', vatRate: '0 WDT' },
        { number: 3, netAmount: '7.25', vatRate: 'zw' },
        { number: 4, netAmount: '-0.10', vatRate: '8' },
      ] as never,
      { currency: 'PLN' },
    )
    expect(totals).toEqual({
      standard: { net: '0.50', vat: '0.12' },
      reduced: { net: '-0.10', vat: '-0.01' },
      zeroIntraEu: '10.00',
      exempt: '7.25',
      totalDue: '17.76',
    })
  })

  it('gives VAT in PLN for a foreign currency and refuses one without an exchange rate', () => {
    const lines = [{ number: 1, netAmount: '100.00', vatRate: '23' }] as never
    expect(totalsFromLines(lines, { currency: 'EUR', exchangeRate: '4.2512' })).toEqual({
      standard: { net: '100.00', vat: '23.00', vatInPln: '97.78' },
      totalDue: '123.00',
    })
    expect(() => totalsFromLines(lines, { currency: 'EUR' })).toThrow(/exchange rate/)
  })

  it('subtracts lines as they were before a correction and refuses a line it cannot place', () => {
    const totals = totalsFromLines(
      [
        { number: 1, netAmount: '100.00', vatRate: '23', beforeCorrection: true },
        { number: 2, netAmount: '80.00', vatRate: '23', beforeCorrection: false },
      ] as never,
      { currency: 'PLN' },
    )
    expect(totals).toEqual({ standard: { net: '-20.00', vat: '-4.60' }, totalDue: '-24.60' })
    expect(() =>
      totalsFromLines([{ number: 1, name: 'no rate', netAmount: '1.00' }] as never, { currency: 'PLN' }),
    ).toThrow(/line 1/)
  })
})
