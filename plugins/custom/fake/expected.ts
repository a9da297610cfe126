/**
 * What the invoice of a fake document must say, worked out from the document alone (decimal arithmetic, the law's
 * rounding of VAT per rate), so the conformance kit checks the mapping's amounts against something that did not
 * come from the mapping.
 *
 * @module
 */
import { Decimal } from 'decimal.js'
import type { FakeDocument } from './types.ts'

const RATES: Readonly<Record<string, number>> = { VAT23: 23, VAT8: 8, VAT5: 5, WDT0: 0, ZW: 0 }

/** The number, type, buyer NIP and total due the invoice of `document` must have. */
export interface ExpectedFromDocument {
  readonly number: string
  readonly type: 'VAT' | 'KOR'
  readonly buyerNip?: string
  readonly totalDue: string
}

/**
 * The expected invoice of a document priced net (gross prices are left to fa3's checks), or `undefined`.
 *
 * @example
 * ```ts
 * expectedOf(erp.document('inv-000001')!) // { number: 'FV/2026/07/00001', type: 'VAT', buyerNip: '…', totalDue: '1230.00' }
 * ```
 */
export function expectedOf(document: FakeDocument): ExpectedFromDocument | undefined {
  if (document.pricesIncludeTax) return undefined
  const nets = new Map<number, Decimal>()
  for (const line of document.lines) {
    const rate = RATES[line.taxCode]
    if (rate === undefined) return undefined
    const value = new Decimal(line.quantity).mul(line.unitPrice).toDecimalPlaces(2, Decimal.ROUND_HALF_UP)
    nets.set(rate, (nets.get(rate) ?? new Decimal(0)).add(value))
  }
  let due = new Decimal(0)
  for (const [rate, net] of nets) {
    due = due.add(net).add(net.mul(rate).div(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP))
  }
  const nip = document.customer.nip?.replace(/^PL|[\s-]/g, '')
  return {
    number: document.number,
    type: document.kind === 'credit_note' ? 'KOR' : 'VAT',
    ...(nip ? { buyerNip: nip } : {}),
    totalDue: due.toFixed(2),
  }
}
