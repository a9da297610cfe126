/**
 * JSON as Business Central writes and reads it: amounts are decimal strings inside the fake and JSON numbers on
 * the wire, written digit for digit (`JSON.rawJSON`), never through a float; request bodies keep each number's
 * source text, so `100.10` arrives as the decimal it was.
 *
 * @module
 */
import { Decimal } from 'decimal.js'

/**
 * A number of a request body, as it was written.
 *
 * @example
 * ```ts
 * new JsonNumber('100.10').source // '100.10'
 * ```
 */
export class JsonNumber {
  readonly source: string

  constructor(source: string) {
    this.source = source
  }
}

const raw = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON

/**
 * A decimal string as a JSON number of the same digits (normalised as BC writes them: `100.00` is `100`).
 *
 * @example
 * ```ts
 * JSON.stringify({ amount: decimalJson('1230.50') }) // '{"amount":1230.5}'
 * ```
 */
export function decimalJson(value: string): unknown {
  return raw(new Decimal(value).toFixed())
}

/**
 * Parses a request body, keeping numbers as {@link JsonNumber}.
 *
 * @throws {SyntaxError} when the text is not JSON
 * @example
 * ```ts
 * parseJson('{"unitCost":100.10}') // { unitCost: JsonNumber { source: '100.10' } }
 * ```
 */
export function parseJson(text: string): unknown {
  const reviver = (_key: string, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' ? new JsonNumber(context?.source ?? String(value)) : value
  return JSON.parse(text, reviver as (key: string, value: unknown) => unknown)
}

/**
 * Rounds a decimal to two places, half away from zero (BC's amount rounding precision 0.01, "Nearest").
 *
 * @example
 * ```ts
 * round2('10.005') // '10.01'
 * ```
 */
export function round2(value: Decimal.Value): string {
  return new Decimal(value).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2)
}
