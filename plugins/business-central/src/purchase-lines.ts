/**
 * The lines of a purchase invoice made from a KSeF invoice: one per FA(3) line, on the G/L account the connection
 * names, with its tax code from the connection's rate table; or one line with the total when the invoice could not
 * be parsed or has no lines (an advance or settlement invoice carries its amounts in totals only).
 *
 * @module
 */
import type { IncomingDocument } from '@ksef-hub/connector-sdk'
import { Decimal } from 'decimal.js'
import type { Settings } from './settings.ts'

/** A purchase line as BC's API takes it. */
export interface PurchaseLine {
  readonly lineType: 'Account'
  readonly lineObjectNumber: string
  readonly description: string
  readonly quantity: number
  readonly unitCost: number
  readonly taxCode?: string
}

/** Purchase lines and whether their costs include VAT (BC's `pricesIncludeTax` of the invoice). */
export interface PurchaseLines {
  readonly pricesIncludeTax: boolean
  readonly lines: readonly PurchaseLine[]
}

// BC's API takes JSON numbers; a decimal string turned into one keeps its digits for any amount BC can hold.
const numberOf = (value: Decimal) => Number(value.toFixed())

/**
 * The purchase lines of an incoming KSeF invoice.
 *
 * @example
 * ```ts
 * purchaseLinesOf(incoming, settings, '402-100')
 * // { pricesIncludeTax: false, lines: [{ lineType: 'Account', lineObjectNumber: '402-100', description: 'Paper', quantity: 2, unitCost: 10, taxCode: 'VAT23' }] }
 * ```
 */
export function purchaseLinesOf(incoming: IncomingDocument, settings: Settings, glAccount: string): PurchaseLines {
  const lines = incoming.invoice?.details.lines ?? []
  const gross =
    lines.length > 0 && lines.every((line) => line.netAmount === undefined && line.grossAmount !== undefined)
  const priced = lines.filter((line) => (gross ? line.grossAmount : line.netAmount) !== undefined)
  if (priced.length === 0 || priced.length !== lines.length) {
    const total = incoming.grossAmount ?? incoming.invoice?.details.totals.totalDue ?? '0'
    return {
      pricesIncludeTax: true,
      lines: [
        {
          lineType: 'Account',
          lineObjectNumber: glAccount,
          description: `Faktura ${incoming.invoiceNumber} (KSeF ${incoming.ksefNumber})`.slice(0, 100),
          quantity: 1,
          unitCost: numberOf(new Decimal(total)),
        },
      ],
    }
  }
  return {
    pricesIncludeTax: gross,
    lines: priced.map((line) => {
      const value = new Decimal((gross ? line.grossAmount : line.netAmount) as string)
      const given = line.quantity !== undefined ? new Decimal(line.quantity) : new Decimal(1)
      // The line's own value over its quantity (what the supplier charged after any discount, P_10), when BC's
      // five decimals of a unit cost hold it exactly; otherwise one unit of the whole value, so totals agree.
      const perUnit = given.isZero() ? value : value.div(given).toDecimalPlaces(5)
      const exact = !given.isZero() && perUnit.mul(given).eq(value)
      const taxCode = line.vatRate ? settings.purchase.taxCodes[line.vatRate] : undefined
      return {
        lineType: 'Account' as const,
        lineObjectNumber: glAccount,
        description: (line.name ?? `Faktura ${incoming.invoiceNumber}`).slice(0, 100),
        quantity: exact ? numberOf(given) : 1,
        unitCost: numberOf(exact ? perUnit : value),
        ...(taxCode ? { taxCode } : {}),
      }
    }),
  }
}
