import { Decimal } from 'decimal.js'
import { describe, expect, it } from 'vitest'
import { discountPerUnit, type MappedLine, withDiscounts } from './discounts.ts'
import { base, contextWith, validated } from './sales-document.fixtures.ts'
import { composeInvoice } from './sales-document.ts'
import type { SalesLine } from './sales-document-schema.ts'

const d = (value: string | number) => new Decimal(value)

describe('discountPerUnit', () => {
  it('is the difference to the list price per unit, to 8 places; none when there is none or no quantity', () => {
    expect(discountPerUnit(d(2), d(100), d(180))).toBe('10')
    expect(discountPerUnit(d(-2), d(100), d(-180))).toBe('10')
    expect(discountPerUnit(d(3), d(10), d(29))).toBe('0.33333333')
    expect(discountPerUnit(d(2), d(100), d(200))).toBeUndefined()
    expect(discountPerUnit(d(0), d(100), d(0))).toBeUndefined()
  })
})

describe('withDiscounts', () => {
  it('puts each line’s discount on the composed invoice’s line of the same place, and leaves it be without any', async () => {
    // The first and last lines' values are after a discount of 5 and 1.50 per unit.
    const [desk, book, training] = base.lines as [SalesLine, SalesLine, SalesLine]
    const lines = [{ ...desk, amount: '190.00' }, book, { ...training, amount: '48.50' }]
    const invoice = await composeInvoice({ ...base, lines }, contextWith())
    const mapped = (discounts: (string | undefined)[]): MappedLine[] =>
      lines.map((line, source) => ({ line, discount: discounts[source], source }))
    expect(withDiscounts(invoice, mapped([undefined, undefined, undefined]))).toBe(invoice)
    const discounted = withDiscounts(invoice, mapped(['5', undefined, '1.5']))
    expect((discounted.details.lines ?? []).map((line) => (line as { discount?: string }).discount)).toEqual([
      '5',
      undefined,
      '1.5',
    ])
    validated(discounted)
  })
})
