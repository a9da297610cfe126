/**
 * Totals: per-rate net totals equal the sum of the lines, each VAT total is its net total at its rate, and the
 * total due P_15 is the sum of them all, within the rounding the law allows.
 *
 * @module
 */
import type { Decimal } from 'decimal.js'
import type { Fa3Issue } from '../../errors.ts'
import { type Bucket, bucketOf, lineContribution, PLAIN_BUCKETS, VAT_BUCKETS } from './buckets.ts'
import { dec, issueAt, money, type Rule, round2, ZERO } from './context.ts'

// Only on these types do the lines carry the values the totals sum up; ZAL, ROZ, KOR_ZAL and KOR_ROZ totals are
// the advance or the remaining amount, not the sum of the lines.
const LINE_TOTAL_TYPES = new Set(['VAT', 'UPR', 'KOR'])
const CENT = dec('0.01')

const xmlOfBucket = (bucket: Bucket): string =>
  bucket in VAT_BUCKETS
    ? `P_13_${VAT_BUCKETS[bucket as keyof typeof VAT_BUCKETS].xml}`
    : bucket === 'oss'
      ? 'P_13_5'
      : PLAIN_BUCKETS[bucket as keyof typeof PLAIN_BUCKETS]

function netTotal(totals: Record<string, unknown>, bucket: Bucket): string | undefined {
  const value = totals[bucket]
  if (value === undefined) return undefined
  return typeof value === 'string' ? value : (value as { net: string }).net
}

/** Per-rate net totals equal the sum of the lines at that rate (after minus before, for corrections). */
export const totalsMatchLines: Rule = ({ invoice }) => {
  const { details } = invoice
  const lines = details.lines ?? []
  if (!LINE_TOTAL_TYPES.has(details.type) || lines.length === 0) return []
  const margin = invoice.details.annotations.marginScheme !== undefined
  const sums = new Map<Bucket, { sum: Decimal; count: number }>()
  for (const line of lines) {
    const bucket = bucketOf(line, margin)
    const hasValue = line.netAmount !== undefined || line.grossAmount !== undefined
    // A valued line without a rate (allowed on simplified invoices) cannot be attributed: no check is possible.
    if (hasValue && !bucket) return []
    const value = bucket && lineContribution(line, bucket)
    if (!bucket || !value) continue
    const entry = sums.get(bucket) ?? { sum: ZERO, count: 0 }
    entry.sum = line.beforeCorrection ? entry.sum.sub(value) : entry.sum.add(value)
    entry.count++
    sums.set(bucket, entry)
  }
  // Lines that only describe (a period rebate, a change of buyer data) carry no values to compare.
  if (sums.size === 0) return []
  const issues: Fa3Issue[] = []
  const buckets = new Set<Bucket>([...sums.keys()])
  for (const bucket of [...Object.keys(VAT_BUCKETS), 'oss', ...Object.keys(PLAIN_BUCKETS)] as Bucket[]) {
    if (netTotal(details.totals, bucket) !== undefined) buckets.add(bucket)
  }
  for (const bucket of buckets) {
    const declared = dec(netTotal(details.totals, bucket) ?? 0)
    const entry = sums.get(bucket) ?? { sum: ZERO, count: 0 }
    if (
      declared
        .sub(entry.sum)
        .abs()
        .gt(CENT.mul(Math.max(1, entry.count)))
    ) {
      const xml = xmlOfBucket(bucket)
      issues.push(
        issueAt(
          'TOTAL_NET_MISMATCH',
          'error',
          bucket in VAT_BUCKETS || bucket === 'oss'
            ? ['details', 'totals', bucket, 'net']
            : ['details', 'totals', bucket],
          `${xml} is ${money(declared)}, but the lines at this rate sum to ${money(entry.sum)} (${entry.count} line(s))`,
        ),
      )
    }
  }
  return issues
}

function linesAtBucket(rates: readonly string[], lines: readonly { vatRate?: string }[]): number {
  return lines.filter((line) => line.vatRate !== undefined && rates.includes(line.vatRate)).length
}

/** Each VAT total P_14_x is its net total P_13_x at the bucket's rate, rounded to grosze. */
export const vatTotals: Rule = ({ invoice }) => {
  const issues: Fa3Issue[] = []
  const lines = invoice.details.lines ?? []
  for (const [bucket, { rates, xml }] of Object.entries(VAT_BUCKETS)) {
    const total = invoice.details.totals[bucket as keyof typeof VAT_BUCKETS]
    if (!total) continue
    const used = rates.filter((rate) => lines.some((line) => line.vatRate === rate))
    const candidates = used.length ? used : rates
    const tolerance = CENT.mul(Math.max(1, linesAtBucket(rates, lines)))
    const net = dec(total.net)
    const expected = candidates.map((rate) => round2(net.mul(rate).div(100)))
    if (expected.every((value) => value.sub(total.vat).abs().gt(tolerance))) {
      issues.push(
        issueAt(
          'TOTAL_VAT_MISMATCH',
          'error',
          ['details', 'totals', bucket, 'vat'],
          `VAT P_14_${xml} is ${total.vat}, but ${candidates.map((rate, i) => `${rate}% of P_13_${xml} ${total.net} is ${money(expected[i] as Decimal)}`).join(' and ')}`,
        ),
      )
    }
  }
  return issues
}

/** The total due P_15 equals all net totals plus all VAT totals, when per-rate totals are given. */
export const totalDue: Rule = ({ invoice }) => {
  const { totals } = invoice.details
  // A simplified invoice may state only the total due; there is nothing to add up then.
  const perRate = Object.keys(totals).filter(
    (key) => key !== 'totalDue' && totals[key as keyof typeof totals] !== undefined,
  )
  if (perRate.length === 0) return []
  let sum = ZERO
  for (const bucket of Object.keys(VAT_BUCKETS) as (keyof typeof VAT_BUCKETS)[]) {
    const total = totals[bucket]
    if (total) sum = sum.add(total.net).add(total.vat)
  }
  if (totals.oss) sum = sum.add(totals.oss.net).add(totals.oss.vat ?? 0)
  for (const bucket of Object.keys(PLAIN_BUCKETS) as (keyof typeof PLAIN_BUCKETS)[]) {
    const value = totals[bucket]
    if (value !== undefined) sum = sum.add(value)
  }
  const tolerance = CENT.mul(Math.max(1, invoice.details.lines?.length ?? 0))
  if (sum.sub(totals.totalDue).abs().gt(tolerance)) {
    return [
      issueAt(
        'TOTAL_DUE_MISMATCH',
        'error',
        ['details', 'totals', 'totalDue'],
        `total due P_15 is ${totals.totalDue}, but the net and VAT totals (P_13_x, P_14_x) sum to ${money(sum)}`,
      ),
    ]
  }
  return []
}
