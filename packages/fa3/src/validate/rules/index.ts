/**
 * The business rules of FA(3) that the XSD does not check, run together.
 *
 * @module
 */
import type { Fa3Issue } from '../../errors.ts'
import type { Rule, RuleContext } from './context.ts'
import { currencyConsistency } from './currency.ts'
import { datesInRange } from './dates.ts'
import { identifierChecksums, referencedKsefNumbers } from './identifiers.ts'
import { lineArithmetic, lineNumbers } from './lines.ts'
import {
  annotationsAgree,
  simplifiedLimit,
  sizeAndAttachment,
  subordinateUnits,
  typeRequirements,
} from './structure.ts'
import { totalDue, totalsMatchLines, vatTotals } from './totals.ts'

/** Every rule, in the order their findings are reported. */
export const RULES: readonly Rule[] = [
  identifierChecksums,
  referencedKsefNumbers,
  datesInRange,
  typeRequirements,
  subordinateUnits,
  lineNumbers,
  lineArithmetic,
  totalsMatchLines,
  vatTotals,
  totalDue,
  currencyConsistency,
  annotationsAgree,
  simplifiedLimit,
  sizeAndAttachment,
]

/**
 * Runs every business rule.
 *
 * @example
 * ```ts
 * const issues = runRules({ invoice, today: warsawDay(new Date()), now: new Date() })
 * ```
 */
export function runRules(context: RuleContext): Fa3Issue[] {
  return RULES.flatMap((rule) => rule(context))
}

export type { Rule, RuleContext } from './context.ts'
export { warsawDay } from './context.ts'
