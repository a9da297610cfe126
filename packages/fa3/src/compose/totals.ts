/**
 * The per-rate totals (P_13_x, P_14_x, P_14_xW) and the total due (P_15) that an invoice's lines add up to: what a
 * connector needs when its source system stores lines but not FA(3)'s totals. Built on the same bucket table the
 * business rules check against, so a composed invoice passes those rules by construction.
 *
 * @module
 */
import { Decimal } from 'decimal.js'
import type { Invoice } from '../model/invoice.ts'
import { type Bucket, bucketOf, lineContribution, VAT_BUCKETS } from '../validate/rules/buckets.ts'
import { round2 } from '../validate/rules/context.ts'

type Line = NonNullable<Invoice['details']['lines']>[number]
type Totals = Invoice['details']['totals']

/** What {@link totalsFromLines} needs besides the lines. */
export interface TotalsOptions {
  /** The invoice currency; other than PLN, each VAT total is also given in PLN at `exchangeRate`. */
  readonly currency: string
  /** PLN per unit of the currency (decimal string), required when the currency is not PLN and VAT is due. */
  readonly exchangeRate?: string
  /** A margin-scheme invoice: lines without a rate count in P_13_11. */
  readonly margin?: boolean
}

const RATE_OF_BUCKET: Readonly<Record<keyof typeof VAT_BUCKETS, (lines: readonly Line[]) => string>> = {
  standard: (lines) => (lines.some((line) => line.vatRate === '22') ? '22' : '23'),
  reduced: (lines) => (lines.some((line) => line.vatRate === '7') ? '7' : '8'),
  superReduced: () => '5',
  taxi: (lines) => (lines.some((line) => line.vatRate === '3') ? '3' : '4'),
}

/**
 * Sums lines into FA(3) totals: net per bucket, VAT per bucket at its rate (rounded to grosze half away from zero,
 * art. 106e ust. 11), VAT in PLN for foreign currencies, and P_15. Lines marked `beforeCorrection` subtract.
 *
 * @throws {RangeError} when a line has neither a rate nor a value the buckets can take, or a foreign-currency
 *   invoice with VAT has no exchange rate
 * @example
 * ```ts
 * totalsFromLines([{ number: 1, netAmount: '100.00', vatRate: '23' }], { currency: 'PLN' })
 * // { standard: { net: '100.00', vat: '23.00' }, totalDue: '123.00' }
 * ```
 */
export function totalsFromLines(lines: readonly Line[], options: TotalsOptions): Totals {
  const sums = new Map<Bucket, Decimal>()
  const members = new Map<Bucket, Line[]>()
  for (const [index, line] of lines.entries()) {
    const bucket = bucketOf(line, options.margin ?? false)
    const value = bucket && lineContribution(line, bucket)
    if (!bucket || !value) throw new RangeError(`line ${index + 1} has no VAT rate or no amount to total`)
    sums.set(bucket, (sums.get(bucket) ?? new Decimal(0))[line.beforeCorrection ? 'sub' : 'add'](value))
    members.set(bucket, [...(members.get(bucket) ?? []), line])
  }
  const totals: Record<string, unknown> = {}
  let due = new Decimal(0)
  for (const [bucket, net] of sums) {
    if (bucket in VAT_BUCKETS) {
      const rate = RATE_OF_BUCKET[bucket as keyof typeof VAT_BUCKETS](members.get(bucket) ?? [])
      const vat = round2(net.mul(rate).div(100))
      const total: Record<string, string> = { net: net.toFixed(2), vat: vat.toFixed(2) }
      if (options.currency !== 'PLN' && !vat.isZero()) {
        if (options.exchangeRate === undefined) {
          throw new RangeError(`the invoice is in ${options.currency}: its exchange rate to PLN is needed for VAT`)
        }
        total.vatInPln = round2(vat.mul(options.exchangeRate)).toFixed(2)
      }
      totals[bucket] = total
      due = due.add(net).add(vat)
    } else if (bucket === 'oss') {
      totals.oss = { net: net.toFixed(2) }
      due = due.add(net)
    } else {
      totals[bucket] = net.toFixed(2)
      due = due.add(net)
    }
  }
  return { ...totals, totalDue: due.toFixed(2) } as Totals
}
