/**
 * Currency and exchange rates: an invoice in PLN carries no exchange rates and no "VAT in PLN" amounts; an invoice
 * in another currency states its VAT in PLN too (art. 106e ust. 11), converted at its exchange rate.
 *
 * @module
 */
import type { Decimal } from 'decimal.js'
import type { Fa3Issue } from '../../errors.ts'
import { VAT_BUCKETS } from './buckets.ts'
import { dec, issueAt, money, type Rule, round2 } from './context.ts'

const CENT = dec('0.01')

/** Exchange-rate fields are present exactly when the currency is not PLN, and VAT in PLN matches the rate. */
export const currencyConsistency: Rule = ({ invoice }) => {
  const { details } = invoice
  const issues: Fa3Issue[] = []
  const lines = details.lines ?? []
  if (details.currency === 'PLN') {
    const rateFields: [readonly PropertyKey[], string | undefined, string][] = [
      [['details', 'advanceExchangeRate'], details.advanceExchangeRate, 'KursWalutyZ'],
      [
        ['details', 'correction', 'amountDueBefore', 'exchangeRate'],
        details.correction?.amountDueBefore?.exchangeRate,
        'KursWalutyZK',
      ],
      ...lines.map((line, i): [readonly PropertyKey[], string | undefined, string] => [
        ['details', 'lines', i, 'exchangeRate'],
        line.exchangeRate,
        `KursWaluty of line ${line.number}`,
      ]),
      ...(details.partialAdvances ?? []).map((advance, i): [readonly PropertyKey[], string | undefined, string] => [
        ['details', 'partialAdvances', i, 'exchangeRate'],
        advance.exchangeRate,
        'KursWalutyZW',
      ]),
    ]
    for (const [path, value, xml] of rateFields) {
      if (value !== undefined) {
        issues.push(issueAt('EXCHANGE_RATE_WITH_PLN', 'error', path, `${xml} is given, but the invoice is in PLN`))
      }
    }
    for (const [bucket, { xml }] of Object.entries(VAT_BUCKETS)) {
      if (details.totals[bucket as keyof typeof VAT_BUCKETS]?.vatInPln !== undefined) {
        issues.push(
          issueAt(
            'VAT_IN_PLN_WITH_PLN',
            'error',
            ['details', 'totals', bucket, 'vatInPln'],
            `P_14_${xml}W (VAT converted to PLN) is given, but the invoice is already in PLN`,
          ),
        )
      }
    }
    return issues
  }
  for (const [bucket, { rates, xml }] of Object.entries(VAT_BUCKETS)) {
    const total = details.totals[bucket as keyof typeof VAT_BUCKETS]
    if (!total || dec(total.vat).isZero()) continue
    const path = ['details', 'totals', bucket, 'vatInPln']
    if (total.vatInPln === undefined) {
      issues.push(
        issueAt(
          'VAT_IN_PLN_MISSING',
          'error',
          path,
          `the invoice is in ${details.currency}, so the VAT of P_14_${xml} must also be given in PLN (P_14_${xml}W)`,
        ),
      )
      continue
    }
    const bucketLines = lines.filter(
      (line) => line.vatRate !== undefined && (rates as readonly string[]).includes(line.vatRate),
    )
    const lineRates = new Set(bucketLines.map((line) => line.exchangeRate).filter((rate) => rate !== undefined))
    const rate = details.advanceExchangeRate ?? (lineRates.size === 1 ? [...lineRates][0] : undefined)
    if (rate === undefined) continue
    const expected: Decimal = round2(dec(total.vat).mul(rate))
    if (
      expected
        .sub(total.vatInPln)
        .abs()
        .gt(CENT.mul(Math.max(1, bucketLines.length)))
    ) {
      issues.push(
        issueAt(
          'VAT_IN_PLN_MISMATCH',
          'error',
          path,
          `P_14_${xml}W is ${total.vatInPln} PLN, but P_14_${xml} ${total.vat} ${details.currency} at rate ${rate} is ${money(expected)} PLN`,
        ),
      )
    }
  }
  return issues
}
