/**
 * Property values as HubSpot takes them on writes: every value is a string on the wire, checked against the
 * property's type (numbers, enumeration options, booleans, dates, datetimes), and stored in the form reads answer
 * (a datetime as ISO 8601 with milliseconds, a date as `YYYY-MM-DD`). Unknown and read-only properties are
 * refused with HubSpot's codes (`errors.ts`).
 *
 * @module
 */
import type { PropertyDef } from './catalog.ts'
import type { PropertyProblem } from './errors.ts'

/** A value checked: stored (`''` clears it) or refused. */
export type Checked = { readonly value: string } | { readonly problem: PropertyProblem }

const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/

const refuse = (name: string, error: string, message: string): Checked => ({ problem: { name, error, message } })

/**
 * Milliseconds of a datetime as HubSpot accepts it: epoch milliseconds, or ISO 8601 with a zone.
 *
 * @example
 * ```ts
 * instantOf('1764547200000') // 1764547200000
 * instantOf('2025-12-01T00:00:00Z') // 1764547200000
 * ```
 */
export function instantOf(text: string): number | undefined {
  if (/^-?\d+$/.test(text)) return Number(text)
  if (!ISO.test(text)) return undefined
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? undefined : ms
}

/**
 * Checks and normalizes one value for `def` (`undefined` def: the property does not exist).
 *
 * @example
 * ```ts
 * checkValue(def, 'quantity', '2') // { value: '2' }
 * checkValue(undefined, 'foo', 'x') // { problem: { error: 'PROPERTY_DOESNT_EXIST', ... } }
 * ```
 */
export function checkValue(def: PropertyDef | undefined, name: string, raw: unknown): Checked {
  if (!def) return refuse(name, 'PROPERTY_DOESNT_EXIST', `Property "${name}" does not exist`)
  if (def.readOnlyValue) {
    return refuse(name, 'READ_ONLY_VALUE', `${name} is a read only property; its value cannot be set.`)
  }
  if (raw === null || raw === '') return { value: '' }
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
    return refuse(name, 'INVALID_VALUE', `${JSON.stringify(raw)} is not a valid value for ${name}`)
  }
  const text = String(raw)
  switch (def.type) {
    case 'number':
      return NUMBER.test(text.trim())
        ? { value: text.trim() }
        : refuse(name, 'INVALID_FLOAT', `${text} is not a valid number for ${name}`)
    case 'bool':
      return text === 'true' || text === 'false'
        ? { value: text }
        : refuse(name, 'INVALID_BOOLEAN', `${text} is not a valid boolean for ${name}`)
    case 'enumeration': {
      const allowed = def.options.map((option) => option.value)
      return allowed.includes(text)
        ? { value: text }
        : refuse(name, 'INVALID_OPTION', `${text} was not one of the allowed options: [${allowed.join(', ')}]`)
    }
    case 'date': {
      const day = DAY.test(text)
        ? text
        : /^\d+$/.test(text) && Number(text) % 86_400_000 === 0
          ? new Date(Number(text)).toISOString().slice(0, 10)
          : undefined
      return day
        ? { value: day }
        : refuse(name, 'INVALID_DATE', `${text} is not a valid date (midnight UTC) for ${name}`)
    }
    case 'datetime': {
      const ms = DAY.test(text) ? Date.parse(`${text}T00:00:00Z`) : instantOf(text)
      return ms === undefined
        ? refuse(name, 'INVALID_DATETIME', `${text} is not a valid datetime for ${name}`)
        : { value: new Date(ms).toISOString() }
    }
    default:
      return text.length > 65_536
        ? refuse(name, 'INVALID_STRING', `${name} is longer than 65536 characters`)
        : { value: text }
  }
}
