/**
 * Line arithmetic: quantity × (unit price − unit discount) gives the line value, within the rounding the law
 * allows (the unit price may be rounded to the precision it is written with, the line value to whole grosze).
 * P_10 is a per-unit amount (TKwotowy2, like the unit price), as the MF examples use it.
 *
 * @module
 */
import type { Decimal } from 'decimal.js'
import type { Fa3Issue } from '../../errors.ts'
import { dec, issueAt, money, type Rule, round2 } from './context.ts'

const CORRECTIONS = new Set(['KOR', 'KOR_ZAL', 'KOR_ROZ'])

function fractionDigits(value: string): number {
  const dot = value.indexOf('.')
  return dot === -1 ? 0 : value.length - dot - 1
}

/** Largest difference rounding can explain: half a unit of the price's last digit per unit of quantity, plus half a grosz. */
function tolerance(quantity: Decimal, unitPrice: string): Decimal {
  return dec(10).pow(-fractionDigits(unitPrice)).mul(0.5).mul(quantity.abs()).add(0.005)
}

/** Each line's value equals quantity × (unit price − unit discount), net or gross, within rounding. */
export const lineArithmetic: Rule = ({ invoice }) => {
  const issues: Fa3Issue[] = []
  invoice.details.lines?.forEach((line, i) => {
    if (line.quantity === undefined) return
    const quantity = dec(line.quantity)
    const discount = line.discount ? dec(line.discount) : dec(0)
    const discountText = line.discount ? ` − discount P_10 ${line.discount}` : ''
    const checks = [
      {
        price: line.unitNetPrice,
        value: line.netAmount,
        priceXml: 'P_9A',
        valueXml: 'P_11',
        key: 'netAmount',
        what: 'net',
      },
      {
        price: line.unitGrossPrice,
        value: line.grossAmount,
        priceXml: 'P_9B',
        valueXml: 'P_11A',
        key: 'grossAmount',
        what: 'gross',
      },
    ]
    for (const check of checks) {
      if (check.price === undefined || check.value === undefined) continue
      const expected = quantity.mul(dec(check.price).sub(discount))
      if (expected.sub(check.value).abs().gt(tolerance(quantity, check.price))) {
        issues.push(
          issueAt(
            'LINE_AMOUNT_MISMATCH',
            'error',
            ['details', 'lines', i, check.key],
            `line ${line.number} (FaWiersz[${i + 1}]): ${check.what} value ${check.valueXml} ${check.value} differs from quantity P_8B ${line.quantity} × (unit price ${check.priceXml} ${check.price}${discountText}) = ${money(round2(expected))}`,
          ),
        )
      }
    }
  })
  return issues
}

/** Line numbers are unique; a correction may repeat a number once as "before" and once as "after". */
export const lineNumbers: Rule = ({ invoice }) => {
  const issues: Fa3Issue[] = []
  const correction = CORRECTIONS.has(invoice.details.type)
  const seen = new Set<string>()
  invoice.details.lines?.forEach((line, i) => {
    if (line.beforeCorrection && !correction) {
      issues.push(
        issueAt(
          'BEFORE_CORRECTION_OUTSIDE_CORRECTION',
          'error',
          ['details', 'lines', i, 'beforeCorrection'],
          `line ${line.number} (FaWiersz[${i + 1}]) is marked StanPrzed (state before correction) on a ${invoice.details.type} invoice, which corrects nothing`,
        ),
      )
    }
    const key = `${line.number}:${correction && line.beforeCorrection ? 'before' : 'after'}`
    if (seen.has(key)) {
      issues.push(
        issueAt(
          'LINE_NUMBER_REPEATED',
          'error',
          ['details', 'lines', i, 'number'],
          `line number NrWierszaFa ${line.number} appears more than once (FaWiersz[${i + 1}])`,
        ),
      )
    }
    seen.add(key)
  })
  return issues
}
