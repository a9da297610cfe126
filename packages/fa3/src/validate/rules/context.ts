/**
 * What every business rule gets, and the small helpers they share: decimal arithmetic, the Warsaw calendar day,
 * and issue construction with the field named in the model and in the XML.
 *
 * @module
 */
import { Decimal } from 'decimal.js'
import type { Fa3Issue } from '../../errors.ts'
import { formatModelPath, xmlPathOf } from '../../mapping/paths.ts'
import { type Invoice, invoicePlan } from '../../model/invoice.ts'

/** The input of a rule. */
export interface RuleContext {
  readonly invoice: Invoice
  /** Today in Europe/Warsaw, `YYYY-MM-DD`: KSeF compares invoice dates with Polish calendar days. */
  readonly today: string
  readonly now: Date
  /** The exact XML bytes, when the invoice came as (or was built to) XML. */
  readonly bytes?: Uint8Array
}

/** A business rule: returns its findings, empty when the invoice complies. */
export type Rule = (context: RuleContext) => Fa3Issue[]

/** A decimal built from a model amount; money never goes through a float. */
export const dec = (value: string | number): Decimal => new Decimal(value)

/** Zero. */
export const ZERO = new Decimal(0)

/**
 * Rounds to grosze (2 places), half away from zero, as art. 106e ust. 11 of the VAT Act prescribes.
 *
 * @example
 * ```ts
 * round2(dec('0.005')).toFixed(2) // '0.01'
 * ```
 */
export function round2(value: Decimal): Decimal {
  return value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP)
}

/** Formats an amount for messages, with two decimals. */
export function money(value: Decimal): string {
  return value.toFixed(2)
}

/**
 * The calendar day of an instant in Europe/Warsaw.
 *
 * @example
 * ```ts
 * warsawDay(new Date('2026-03-28T23:30:00Z')) // '2026-03-29' (CET+1)
 * ```
 */
export function warsawDay(instant: Date): string {
  return WARSAW_DAY.format(instant)
}

// Made once: a formatter per call costs ~50 µs and native (ICU) memory the garbage collector is slow to return.
const WARSAW_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Warsaw',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

/**
 * Builds an issue for a model path, naming the XML element too.
 *
 * @example
 * ```ts
 * issueAt('NIP_CHECKSUM', 'error', ['seller', 'nip'], 'seller NIP 1234567890 fails its checksum')
 * ```
 */
export function issueAt(
  code: string,
  severity: 'error' | 'warning',
  path: readonly PropertyKey[],
  message: string,
): Fa3Issue {
  return { code, severity, message, path: formatModelPath(path), xmlPath: xmlPathOf('Faktura', invoicePlan, path) }
}
