/**
 * A line's discount per unit (FA(3) `P_10`, art. 106e ust. 1 pkt 10: a discount not already in the unit price is
 * shown). A connector sends the source system's own line value (after its discounts), so totals match what the
 * system billed, at the list price; the discount per unit makes up the difference and is put on the composed
 * invoice's lines afterwards, since a `SalesLine` has no field for it.
 *
 * @module
 */
import type { InvoiceInput } from '@ksef-hub/fa3'
import type { Decimal } from 'decimal.js'
import type { SalesLine } from './sales-document-schema.ts'

/** A line as the invoice shows it, and the discount per unit that goes with it (`undefined`: none). */
export interface MappedLine {
  readonly line: SalesLine
  readonly discount: string | undefined
  /** The source line it came from, by index in the record's lines (for messages). */
  readonly source: number
}

/**
 * The discount per unit between a line's list price and its value (to 8 decimal places), or `undefined` when there
 * is none or the quantity is zero.
 *
 * @example
 * ```ts
 * discountPerUnit(new Decimal(2), new Decimal(100), new Decimal(180)) // '10'
 * discountPerUnit(new Decimal(-1), new Decimal(50), new Decimal(-50)) // undefined
 * ```
 */
export function discountPerUnit(quantity: Decimal, unitPrice: Decimal, amount: Decimal): string | undefined {
  if (quantity.isZero()) return undefined
  const perUnit = quantity.mul(unitPrice).sub(amount).div(quantity).toDecimalPlaces(8)
  return perUnit.isZero() ? undefined : perUnit.toFixed()
}

type Lines = NonNullable<InvoiceInput['details']['lines']>

/**
 * The composed invoice with each line's discount per unit (`P_10`), lines in the order they were given.
 *
 * @example
 * ```ts
 * const invoice = withDiscounts(await composeInvoice(sales, compose), mapped)
 * ```
 */
export function withDiscounts(invoice: InvoiceInput, mapped: readonly MappedLine[]): InvoiceInput {
  if (mapped.every((item) => item.discount === undefined)) return invoice
  const lines = (invoice.details.lines ?? []) as Lines
  return {
    ...invoice,
    details: {
      ...invoice.details,
      lines: lines.map((line, index) => {
        const discount = mapped[index]?.discount
        return discount === undefined ? line : { ...line, discount }
      }),
    },
  } as InvoiceInput
}
