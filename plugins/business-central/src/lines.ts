/**
 * BC's document lines as the SDK's sales lines. A line's value is BC's own (after the line discount and the share
 * of the invoice discount), so totals match what BC posted; the discount per unit that makes up the difference to
 * the list price goes on the invoice as `P_10` (art. 106e ust. 1 pkt 10: a discount not already in the unit price
 * is shown). Comment lines carry no amounts and are left out. A credit memo's lines are the difference it makes,
 * so their quantities and values are negative. The SDK's `withDiscounts` puts the discounts on the composed invoice.
 *
 * @module
 */
import { discountPerUnit, type MappedLine, type SalesLine } from '@ksef-hub/connector-sdk'
import { Decimal } from 'decimal.js'
import { decimalText, type SalesLineRecord } from './records.ts'

/** Line types that are goods or services (BC's `Comment` lines are text only). */
const PRICED = new Set(['Item', 'Account', 'Resource', 'Fixed Asset', 'Charge'])

function nameOf(record: SalesLineRecord, index: number): string {
  const name = [record.description, record.description2].filter((part) => part?.trim()).join(' ')
  return name || record.lineObjectNumber || `line ${record.sequence ?? index + 1}`
}

/**
 * Whether a BC line is a priced line the invoice shows (not a comment, not an empty line).
 *
 * @example
 * ```ts
 * isPricedLine({ lineType: 'Comment', description: 'Thank you' }) // false
 * ```
 */
export function isPricedLine(record: SalesLineRecord): boolean {
  if (record.lineType && !PRICED.has(record.lineType)) return false
  return !new Decimal(record.quantity ?? 0).isZero() || !new Decimal(record.unitPrice ?? 0).isZero()
}

/**
 * The sales lines of a BC document.
 *
 * @param gross whether BC's prices include VAT (`pricesIncludeTax`)
 * @param credit whether the document is a credit memo (lines negated)
 * @example
 * ```ts
 * salesLinesOf(invoice.salesInvoiceLines ?? [], { gross: false, credit: false })
 * // [{ line: { name: 'Desk', quantity: '2', unitPrice: '100', amount: '180', taxCode: 'VAT23', ... }, discount: '10' }]
 * ```
 */
export function salesLinesOf(
  records: readonly SalesLineRecord[],
  options: { readonly gross: boolean; readonly credit: boolean },
): MappedLine[] {
  const sign = options.credit ? -1 : 1
  return records.flatMap((record, index) => {
    if (!isPricedLine(record)) return []
    const quantity = new Decimal(record.quantity ?? 0).mul(sign)
    const price = new Decimal(record.unitPrice ?? 0)
    // BC's value after every discount: net, or with VAT when its prices include it.
    const after = options.gross
      ? (record.netAmountIncludingTax ?? record.amountIncludingTax)
      : (record.netAmount ?? record.amountExcludingTax)
    const amount = after === null || after === undefined ? undefined : new Decimal(after).mul(sign)
    const discount = amount === undefined ? undefined : discountPerUnit(quantity, price, amount)
    const line: SalesLine = {
      name: nameOf(record, index),
      quantity: quantity.toFixed(),
      unitPrice: decimalText(record.unitPrice),
      ...(amount !== undefined ? { amount: amount.toFixed() } : {}),
      taxCode: record.taxCode ?? '',
      ...(record.unitOfMeasureCode ? { unit: record.unitOfMeasureCode } : {}),
      // The item's or resource's number is its index; an account number is the seller's bookkeeping, not a product.
      ...(record.lineObjectNumber && ['Item', 'Resource'].includes(record.lineType ?? '')
        ? { sku: record.lineObjectNumber.slice(0, 50) }
        : {}),
    }
    return [{ line, discount, source: index }]
  })
}
