/**
 * Leaf value types of FA(3): the model side mirrors each XSD simple type closely enough that a model which passes
 * these schemas builds into XML that passes the XSD. Money, quantities and rates are decimal strings, never floats.
 *
 * @module
 */
import { z } from 'zod'
import { oneOf } from '../mapping/check.ts'
import { type ValueType, valueType } from '../mapping/dsl.ts'
import type { Codec } from '../mapping/plan.ts'
import { codePointLabel, findForbiddenCharacter } from '../xml/characters.ts'
import { COUNTRY_CODES, CURRENCY_CODES, EU_COUNTRY_CODES } from './codes.generated.ts'

const verbatim: Codec<string> = { toXml: (value) => value, fromXml: (text) => text }
/** XSD `whiteSpace="collapse"`, as applied to tokens, decimals and enumerations before their facets. */
const collapse = (text: string): string => text.replace(/[\t\n\r ]+/g, ' ').trim()
/** XSD `whiteSpace="replace"`. */
const replace = (text: string): string => text.replace(/[\t\n\r]/g, ' ')
/** The codec of a value whose XSD type collapses white space. */
export const collapsed: Codec<string> = { toXml: (value) => value, fromXml: collapse }

function codePoints(value: string): number {
  let count = 0
  for (const _ of value) count++
  return count
}

/** Whether `value` has `min`..`max` characters (code points); counts them only when UTF-16 length cannot tell. */
function lengthIn(value: string, min: number, max: number): boolean {
  const units = value.length
  if (units < min) return false
  // Code points are at most the UTF-16 units and at least half of them.
  if (units <= max && units >= 2 * min) return true
  const length = codePoints(value)
  return length >= min && length <= max
}

/**
 * The first test of every string value type.
 *
 * @example
 * ```ts
 * isString('x') // true
 * ```
 */
export const isString = (value: unknown): value is string => typeof value === 'string'

function cleanCharacters(value: string, ctx: z.core.$RefinementCtx<string>): void {
  const bad = findForbiddenCharacter(value)
  if (bad) {
    ctx.addIssue({
      code: 'custom',
      message: `contains ${codePointLabel(bad.codePoint)} at position ${bad.index + 1}, a character KSeF does not accept`,
    })
  }
}

function lengthBetween(min: number, max: number) {
  return (value: string, ctx: z.core.$RefinementCtx<string>) => {
    if (lengthIn(value, min, max)) return
    ctx.addIssue({
      code: 'custom',
      message:
        min === max
          ? `must be ${min} characters long`
          : `must be ${min} to ${max} characters long, not ${codePoints(value)}`,
    })
  }
}

const SINGLE_SPACED = /^(?:[^\t\n\r ]+(?: [^\t\n\r ]+)*)?$/

/**
 * An `xsd:token` of `min`..`max` characters. The model holds it in its collapsed form (no tabs or line breaks, no
 * leading, trailing or doubled spaces), which is the value the XSD sees, so it survives a round trip unchanged.
 *
 * @example
 * ```ts
 * const text256 = token(1, 256)
 * ```
 */
export function token(min: number, max: number): ValueType<z.ZodString> {
  const zod = z
    .string()
    .superRefine(cleanCharacters)
    .superRefine(lengthBetween(min, max))
    .regex(SINGLE_SPACED, 'must be one line without leading, trailing or doubled spaces')
  const accepts = (value: unknown) =>
    isString(value) && lengthIn(value, min, max) && SINGLE_SPACED.test(value) && !findForbiddenCharacter(value)
  return valueType(zod, accepts, collapsed, { kind: 'token', min, max })
}

const MULTILINE = /^[^\r]*$/
const ONE_LINE = /^[^\t\n\r]*$/

/**
 * An `xsd:string` of `min`..`max` characters, kept exactly; line breaks are allowed where `multiline` is set.
 *
 * @example
 * ```ts
 * const footerText = text(1, 3500, { multiline: true })
 * ```
 */
export function text(min: number, max: number, options: { multiline?: boolean } = {}): ValueType<z.ZodString> {
  const lines = options.multiline ? MULTILINE : ONE_LINE
  // A carriage return would come back as a line feed after XML end-of-line handling.
  const zod = z
    .string()
    .superRefine(cleanCharacters)
    .superRefine(lengthBetween(min, max))
    .regex(lines, options.multiline ? 'must not contain carriage returns (use line feeds)' : 'must be one line')
  const accepts = (value: unknown) =>
    isString(value) && lengthIn(value, min, max) && lines.test(value) && !findForbiddenCharacter(value)
  return valueType(zod, accepts, verbatim, { kind: 'text', min, max, multiline: options.multiline ?? false })
}

/**
 * A string that matches an XSD pattern (anchored, as XSD patterns are).
 *
 * @example
 * ```ts
 * const krs = pattern(/\d{10}/, 'must be 10 digits')
 * ```
 */
export function pattern(regex: RegExp, message: string, options: { whitespace?: 'collapse' | 'preserve' } = {}) {
  const anchored = new RegExp(`^(?:${regex.source})$`, regex.flags)
  return valueType(
    z.string().regex(anchored, message),
    (value) => isString(value) && anchored.test(value),
    options.whitespace === 'preserve' ? verbatim : collapsed,
    { kind: 'pattern', regex: anchored },
  )
}

/**
 * A decimal with at most `fraction` fraction digits and `integer` integer digits, as a string. A JSON number is
 * refused on purpose: it has already been through a binary float.
 *
 * @example
 * ```ts
 * const amount = decimal(16, 2) // TKwotowy
 * ```
 */
export function decimal(integer: number, fraction: number): ValueType<z.ZodString> {
  const regex = new RegExp(`^-?(?:[1-9]\\d{0,${integer - 1}}|0)(?:\\.\\d{1,${fraction}})?$`)
  const zod = z.string({ error: 'must be a decimal number written as a string, e.g. "123.45"' }).regex(regex, {
    message: `must be a decimal number with at most ${integer} integer and ${fraction} fraction digits, e.g. "123.45"`,
  })
  return valueType(zod, (value) => isString(value) && regex.test(value), collapsed, {
    kind: 'decimal',
    integer,
    fraction,
  })
}

/** Amount in the invoice currency, up to 2 fraction digits (TKwotowy). */
export const amount = decimal(16, 2)
/** Unit price, up to 8 fraction digits (TKwotowy2). */
export const unitPrice = decimal(14, 8)
/** Quantity or exchange rate, up to 6 fraction digits (TIlosci). */
export const quantity = decimal(16, 6)

const PERCENTAGE = /^(?:100(?:\.0{1,6})?|[1-9]?\d(?:\.\d{1,6})?)$/

/** A percentage from 0 to 100 with up to 6 fraction digits (TProcentowy). */
export const percentage = valueType(
  z.string().regex(PERCENTAGE, 'must be a percentage from 0 to 100, e.g. "50.5"'),
  (value) => isString(value) && PERCENTAGE.test(value),
  collapsed,
  { kind: 'decimal', integer: 3, fraction: 6, min: '0', max: '100' },
)

function wholeNumber(min: number, max: number) {
  return (value: unknown) => Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max
}

const numberCodec: Codec<number> = { toXml: (value) => String(value), fromXml: (text) => Number(collapse(text)) }

/**
 * A positive whole number of at most 14 digits (TNaturalny), such as a line number.
 *
 * @example
 * ```ts
 * el('NrWierszaFa', positiveInteger)
 * ```
 */
export const positiveInteger = valueType(
  z.number().int().min(1).max(99_999_999_999_999),
  wholeNumber(1, 99_999_999_999_999),
  numberCodec,
  { kind: 'integer', min: 1, max: 99_999_999_999_999 },
)

/** Any whole number (`xsd:integer`) in the safe integer range. */
export const integer = valueType(
  z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
  wholeNumber(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
  numberCodec,
  { kind: 'integer', min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
)

/**
 * An enumeration whose model values are the official codes themselves (e.g. VAT rates `23`, `zw`, `np I`).
 *
 * @example
 * ```ts
 * const invoiceType = literals(['VAT', 'KOR'] as const)
 * ```
 */
export function literals<const T extends readonly [string, ...string[]]>(
  values: T,
): ValueType<z.ZodEnum<{ [K in T[number]]: K }>> {
  return valueType(z.enum(values) as z.ZodEnum<{ [K in T[number]]: K }>, oneOf(values), collapsed as Codec<T[number]>, {
    kind: 'enum',
    values,
  })
}

/**
 * An enumeration of numeric codes that the model names in English (e.g. payment method `6` is `transfer`).
 *
 * @example
 * ```ts
 * const method = codes({ cash: '1', card: '2' })
 * ```
 */
export function codes<const T extends Record<string, string>>(
  table: T,
): ValueType<z.ZodEnum<{ [K in keyof T & string]: K }>> {
  const names = Object.keys(table) as [keyof T & string, ...(keyof T & string)[]]
  const byCode = new Map(Object.entries(table).map(([name, code]) => [code, name]))
  const codec: Codec<keyof T & string> = {
    toXml: (name) => table[name] as string,
    fromXml: (code) => {
      const name = byCode.get(collapse(code))
      // An unknown code is passed through so that zod reports it with the list of allowed names.
      return (name ?? code) as keyof T & string
    },
  }
  return valueType(z.enum(names) as unknown as z.ZodEnum<{ [K in keyof T & string]: K }>, oneOf(names), codec, {
    kind: 'enum',
    values: names,
  })
}

/** `TWybor1_2`: `true` is written as `1`, `false` as `2`. */
export const yesNo = valueType(
  z.boolean(),
  (value) => typeof value === 'boolean',
  { toXml: (value) => (value ? '1' : '2'), fromXml: (text) => collapse(text) === '1' },
  { kind: 'boolean' },
)

/** Polish tax identification number (TNrNIP); the checksum is a business rule, as in KSeF. */
export const nip = pattern(/[1-9]((\d[1-9])|([1-9]\d))\d{7}/, 'must be a 10-digit NIP such as 5265877635')
/** Internal identifier `NIP-ddddd` (TNIPIdWew). */
export const internalId = pattern(
  /[1-9]((\d[1-9])|([1-9]\d))\d{7}-\d{5}/,
  'must be an internal identifier NIP-ddddd, e.g. 6824515772-12343',
)
/** KSeF number of a document (TNumerKSeF); the CRC-8 is a business rule. */
export const ksefNumber = pattern(
  /([1-9]((\d[1-9])|([1-9]\d))\d{7}|M\d{9}|[A-Z]{3}\d{7})-(20[2-9][0-9]|2[1-9][0-9]{2}|[3-9][0-9]{3})(0[1-9]|1[0-2])(0[1-9]|[1-2][0-9]|3[0-1])-([0-9A-F]{6})-?([0-9A-F]{6})-([0-9A-F]{2})/,
  'must be a KSeF number such as 5265877635-20250916-0200A0D6723E-C2',
)
/** EU VAT number without its country prefix (TNrVatUE). */
export const euVatNumber = pattern(/(\d|[A-Z]|\+|\*){1,12}/, 'must be 1 to 12 capital letters, digits, + or *')
/** A tax number of another country (TNrIdentyfikacjiPodatkowej, `whiteSpace="replace"`). */
export const foreignTaxId = valueType(
  text(1, 50).zod,
  text(1, 50).accepts,
  { toXml: (value) => value, fromXml: replace },
  { kind: 'text', min: 1, max: 50, multiline: false },
)
/** ISO 4217 currency code (TKodWaluty). */
export const currencyCode = literals(CURRENCY_CODES)
/** Country code (TKodKraju). */
export const countryCode = literals(COUNTRY_CODES)
/** EU member state code used as a VAT prefix (TKodyKrajowUE). */
export const euCountryCode = literals(EU_COUNTRY_CODES)
