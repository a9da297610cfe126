/**
 * The model's fast check: plain functions composed by the mapping DSL from the same declarations as the zod
 * schema, so that taking in an invoice that is valid costs a walk over it, not zod's per-value machinery (payload
 * objects, issue arrays, check lists): about a fifth of the CPU of bulk intake went there.
 *
 * A check only vouches for input: it returns the model exactly as zod would (keys in the schema's order, defaults
 * filled in, a new object graph), or {@link REFUSED} when it cannot, and zod then decides and names the problem.
 * So a check may refuse more than zod does (an explicit `undefined`, an object with a prototype other than
 * `Object.prototype`), but must never accept what zod refuses: `check.test.ts` holds the two together.
 *
 * @module
 */

/** What a check returns when it does not vouch for the input. */
export const REFUSED: unique symbol = Symbol('refused')
/** What an optional field's check returns for an absent value: the key is left out of the model. */
export const ABSENT: unique symbol = Symbol('absent')
const ASK = Symbol('ask')

/**
 * A compiled check of one model value: the value as the model holds it, {@link REFUSED} or {@link ABSENT}.
 *
 * @example
 * ```ts
 * const check: Check = leafCheck((value) => typeof value === 'string')
 * check('x') // 'x'
 * ```
 */
export type Check = (value: unknown) => unknown

/**
 * A leaf: the value itself when `accepts` holds (leaf values are not transformed).
 *
 * @example
 * ```ts
 * leafCheck((value) => value === true)(false) === REFUSED // true
 * ```
 */
export function leafCheck(accepts: (value: unknown) => boolean): Check {
  return (value) => (accepts(value) ? value : REFUSED)
}

/**
 * A field that may be missing.
 *
 * @example
 * ```ts
 * optionalCheck(inner)(undefined) === ABSENT // true
 * ```
 */
export function optionalCheck(inner: Check): Check {
  return (value) => (value === undefined ? ABSENT : inner(value))
}

/**
 * A field whose missing value the model fills in with `fallback` (a fresh copy each time, as zod's is).
 *
 * @example
 * ```ts
 * defaultCheck(leafCheck(isBoolean), false)(undefined) // false
 * ```
 */
export function defaultCheck(inner: Check, fallback: unknown): Check {
  const primitive = fallback === null || typeof fallback !== 'object'
  return (value) => {
    if (value !== undefined) return inner(value)
    return primitive ? fallback : structuredClone(fallback)
  }
}

/**
 * An array of `min`..`max` items, each checked by `item`.
 *
 * @example
 * ```ts
 * arrayCheck(lineCheck, 1, 10_000)
 * ```
 */
export function arrayCheck(item: Check, min: number, max: number): Check {
  return (value) => {
    if (!Array.isArray(value) || value.length < min || value.length > max) return REFUSED
    const out = new Array<unknown>(value.length)
    for (let i = 0; i < value.length; i++) {
      const checked = item(value[i])
      if (checked === REFUSED || checked === ABSENT) return REFUSED
      out[i] = checked
    }
    return out
  }
}

/**
 * Plain JSON objects only: zod reads keys through the prototype chain, a check does not try to match that.
 *
 * @example
 * ```ts
 * isPlainRecord(JSON.parse('{}')) // true
 * ```
 */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/** Cross-field rules of an object, checked on the model object (as zod's refinement is). */
export interface RuleGroups {
  readonly atMostOne: readonly (readonly string[])[]
  readonly exactlyOne: readonly (readonly string[])[]
}

function given(record: Record<string, unknown>, keys: readonly string[]): number {
  let count = 0
  for (const key of keys) if (record[key] !== undefined) count++
  return count
}

/**
 * A strict object: exactly the keys of `fields` (each checked by its check, in this order), no others, and the
 * cross-field `rules`.
 *
 * @example
 * ```ts
 * objectCheck([['line1', text512Check]], { atMostOne: [], exactlyOne: [] })
 * ```
 */
export function objectCheck(fields: readonly (readonly [string, Check])[], rules: RuleGroups): Check {
  const checks = fields.map(([, check]) => check)
  // What a missing field comes to (left out, refused, a default) is the same every time, except an object default,
  // which must be a fresh copy: that one is asked for each time.
  const missing = checks.map((check) => {
    const outcome = check(undefined)
    return outcome !== null && typeof outcome === 'object' ? ASK : outcome
  })
  // Generated code, as zod's own fast path is: with each key written out, every property access gets its own
  // inline cache, which made the check about twice as fast as a loop over the keys. The keys come from the model's
  // declarations, never from input, and are written as JSON string literals.
  const body = fields.map(([key], slot) => {
    const name = JSON.stringify(key)
    return `
    value = input[${name}]
    if (value !== undefined) {
      matched++
      value = checks[${slot}](value)
      if (value === REFUSED) return REFUSED
      out[${name}] = value
    } else {
      if (${name} in input) return REFUSED
      value = missing[${slot}] === ASK ? checks[${slot}](undefined) : missing[${slot}]
      if (value === REFUSED) return REFUSED
      if (value !== ABSENT) out[${name}] = value
    }`
  })
  const compiled = new Function(
    'checks',
    'missing',
    'REFUSED',
    'ABSENT',
    'ASK',
    `return function check(input, out) {
    let matched = 0
    let value${body.join('')}
    return matched
  }`,
  )(checks, missing, REFUSED, ABSENT, ASK) as (input: Record<string, unknown>, out: Record<string, unknown>) => unknown
  const ruled = rules.atMostOne.length > 0 || rules.exactlyOne.length > 0
  return (value) => {
    if (!isPlainRecord(value)) return REFUSED
    const out: Record<string, unknown> = {}
    const matched = compiled(value, out)
    if (matched === REFUSED) return REFUSED
    // Every key of the input must be a field: a key the fields did not account for is unknown (zod refuses it)
    // or reached through the prototype.
    let keys = 0
    for (const _ in value) keys++
    if (keys !== matched) return REFUSED
    if (ruled) {
      for (const group of rules.atMostOne) if (given(out, group) > 1) return REFUSED
      for (const group of rules.exactlyOne) if (given(out, group) !== 1) return REFUSED
    }
    return out
  }
}

/**
 * A choice between objects told apart by their `kind` (each variant's check includes `kind` as its first field).
 *
 * @example
 * ```ts
 * variantCheck(new Map([['nip', nipVariantCheck]]))
 * ```
 */
export function variantCheck(variants: ReadonlyMap<string, Check>): Check {
  return (value) => {
    if (!isPlainRecord(value) || typeof value.kind !== 'string') return REFUSED
    const check = variants.get(value.kind)
    return check ? check(value) : REFUSED
  }
}

/**
 * The test of an enumeration: one of a fixed set of strings (what `z.enum(values)` accepts).
 *
 * @example
 * ```ts
 * oneOf(['VAT', 'KOR'])('VAT') // true
 * ```
 */
export function oneOf(values: readonly string[]): (value: unknown) => boolean {
  const allowed = new Set(values)
  return (value) => typeof value === 'string' && allowed.has(value)
}
