/**
 * Which per-rate total (P_13_x / P_14_x) each invoice line belongs to, and what it adds there.
 *
 * @module
 */
import type { Decimal } from 'decimal.js'
import type { Invoice } from '../../model/invoice.ts'
import { dec, round2 } from './context.ts'

type Line = NonNullable<Invoice['details']['lines']>[number]
type Totals = Invoice['details']['totals']

/** A per-rate total of FA(3). */
export type Bucket = Exclude<keyof Totals, 'totalDue'>

/** The buckets that carry VAT, with the rates each may use. */
export const VAT_BUCKETS = {
  standard: { rates: ['23', '22'], xml: 1 },
  reduced: { rates: ['8', '7'], xml: 2 },
  superReduced: { rates: ['5'], xml: 3 },
  taxi: { rates: ['4', '3'], xml: 4 },
} as const

/** The buckets without VAT, with the XML element of each. */
export const PLAIN_BUCKETS = {
  zeroDomestic: 'P_13_6_1',
  zeroIntraEu: 'P_13_6_2',
  zeroExport: 'P_13_6_3',
  exempt: 'P_13_7',
  outsideCountry: 'P_13_8',
  euServices: 'P_13_9',
  reverseCharge: 'P_13_10',
  margin: 'P_13_11',
} as const

const BY_RATE: Readonly<Record<string, Bucket>> = {
  '23': 'standard',
  '22': 'standard',
  '8': 'reduced',
  '7': 'reduced',
  '5': 'superReduced',
  '4': 'taxi',
  '3': 'taxi',
  '0 KR': 'zeroDomestic',
  '0 WDT': 'zeroIntraEu',
  '0 EX': 'zeroExport',
  zw: 'exempt',
  oo: 'reverseCharge',
  'np I': 'outsideCountry',
  'np II': 'euServices',
}

/**
 * The bucket of a line: OSS when it has an OSS rate, margin when a margin invoice line has no rate.
 *
 * @example
 * ```ts
 * bucketOf({ vatRate: '23' } as Line, false) // 'standard'
 * ```
 */
export function bucketOf(line: Line, marginInvoice: boolean): Bucket | undefined {
  if (line.ossVatRate !== undefined) return 'oss'
  if (line.vatRate !== undefined) return BY_RATE[line.vatRate]
  return marginInvoice ? 'margin' : undefined
}

/**
 * What a line adds to its bucket: the net value, derived from the gross value when only that is given
 * (art. 106e ust. 7 and 8: VAT computed from gross), or the gross value for margin lines.
 *
 * @example
 * ```ts
 * lineContribution({ netAmount: '100' } as Line, 'standard')?.toFixed(2) // '100.00'
 * ```
 */
export function lineContribution(line: Line, bucket: Bucket): Decimal | undefined {
  if (bucket === 'margin') {
    const value = line.grossAmount ?? line.netAmount
    return value === undefined ? undefined : dec(value)
  }
  if (line.netAmount !== undefined) return dec(line.netAmount)
  if (line.grossAmount === undefined) return undefined
  const rate = line.ossVatRate ?? (line.vatRate !== undefined && /^\d+$/.test(line.vatRate) ? line.vatRate : undefined)
  if (rate === undefined) return dec(line.grossAmount)
  const gross = dec(line.grossAmount)
  return gross.sub(round2(gross.mul(rate).div(dec(rate).add(100))))
}
