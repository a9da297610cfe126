/**
 * A checker for our index of HubSpot's API (`contract/hubspot-api-index.json`, not OpenAPI) and its supplement
 * (`contract/supplement.json`): reads the index's type grammar (`string!`, `integer(int32)`, `string(date-time)`,
 * `string enum[a|b]`, `X[]`, `map<string,X>`, schema names) and reports every way a JSON value departs from a
 * schema: a required field missing, a field the schema does not have, a wrong type, a value out of its enum or
 * format, an int32 out of range. It knows nothing of the fake: it is written from the index alone.
 *
 * @module
 */

/** The index's and the supplement's schemas: field name -> type expression. */
export type Schemas = Readonly<Record<string, Readonly<Record<string, string>>>>

/** What the supplement adjusts. */
export interface Adjustments {
  /** Fields a schema's real answers carry beyond the index's list, with their types. */
  readonly extraFields: Readonly<Record<string, Readonly<Record<string, string>>>>
  /** `Schema.field` maps whose values may be `null`. */
  readonly nullableMapValues: readonly string[]
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const INT32 = 2 ** 31

/** A parsed type expression. */
interface TypeOf {
  readonly required: boolean
  readonly array: boolean
  /** `map<string,X>`: X. */
  readonly mapOf?: string
  readonly base: string
  readonly format?: string
  readonly values?: readonly string[]
}

/**
 * Parses one of the index's type expressions.
 *
 * @example
 * ```ts
 * parseType('string enum[draft|open]!') // { required: true, array: false, base: 'string', values: ['draft', 'open'] }
 * ```
 */
export function parseType(expression: string): TypeOf {
  let rest = expression.trim()
  const required = rest.endsWith('!')
  if (required) rest = rest.slice(0, -1)
  const map = /^map<string,(.+)>$/.exec(rest)
  if (map) return { required, array: false, mapOf: map[1] ?? 'string', base: 'map' }
  const array = rest.endsWith('[]') && !rest.endsWith('enum[]')
  if (array) rest = rest.slice(0, -2)
  const enumMatch = /^(\w+) enum\[(.*)\]$/.exec(rest)
  if (enumMatch) return { required, array, base: enumMatch[1] ?? 'string', values: (enumMatch[2] ?? '').split('|') }
  const formatMatch = /^(\w+)\((.+)\)$/.exec(rest)
  if (formatMatch) return { required, array, base: formatMatch[1] ?? '', format: formatMatch[2] ?? '' }
  return { required, array, base: rest }
}

const describe = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value)

/**
 * The checks of one set of schemas.
 *
 * @example
 * ```ts
 * const check = indexChecker(index.schemas, supplement)
 * check.problems('SimplePublicObject', body) // [] when it conforms
 * ```
 */
export function indexChecker(schemas: Schemas, adjustments: Adjustments) {
  const primitive = (type: TypeOf, value: unknown, path: string): string[] => {
    const wrong = (what: string) => [`${path}: expected ${what}, got ${describe(value)} ${JSON.stringify(value)}`]
    switch (type.base) {
      case 'string': {
        if (typeof value !== 'string') return wrong('a string')
        if (type.values && !type.values.includes(value))
          return [`${path}: "${value}" is not one of ${type.values.join('|')}`]
        if (type.format === 'date-time' && !ISO_DATE_TIME.test(value)) return wrong('an ISO 8601 date-time')
        if (type.format === 'uuid' && !UUID.test(value)) return wrong('a UUID')
        return []
      }
      case 'integer': {
        if (typeof value !== 'number' || !Number.isInteger(value)) return wrong('an integer')
        if (type.format === 'int32' && (value < -INT32 || value >= INT32)) return wrong('an int32')
        return []
      }
      case 'number':
        return typeof value === 'number' && Number.isFinite(value) ? [] : wrong('a number')
      case 'boolean':
        return typeof value === 'boolean' ? [] : wrong('a boolean')
      case 'object':
        return value && typeof value === 'object' && !Array.isArray(value) ? [] : wrong('an object')
      default:
        return [`${path}: the index has no type "${type.base}"`]
    }
  }

  const check = (expression: string, value: unknown, path: string, nullable = false): string[] => {
    const type = parseType(expression)
    if (value === null && nullable) return []
    if (type.array) {
      if (!Array.isArray(value)) return [`${path}: expected an array, got ${describe(value)}`]
      const item = expression.replace(/!$/, '').slice(0, -2)
      return value.flatMap((entry, index) => check(item, entry, `${path}[${index}]`))
    }
    if (type.mapOf !== undefined) {
      if (!value || typeof value !== 'object' || Array.isArray(value))
        return [`${path}: expected a map, got ${describe(value)}`]
      return Object.entries(value).flatMap(([key, entry]) => check(type.mapOf ?? 'string', entry, `${path}.${key}`))
    }
    if (schemas[type.base]) return object(type.base, value, path)
    return primitive(type, value, path)
  }

  const object = (name: string, value: unknown, path: string): string[] => {
    if (!value || typeof value !== 'object' || Array.isArray(value))
      return [`${path}: expected a ${name} object, got ${describe(value)}`]
    const fields = { ...schemas[name], ...adjustments.extraFields[name] }
    const record = value as Record<string, unknown>
    const problems: string[] = []
    for (const [field, expression] of Object.entries(fields)) {
      const here = `${path}.${field}`
      if (!(field in record)) {
        if (parseType(expression).required) problems.push(`${here}: required by ${name}, missing`)
        continue
      }
      // Paths of maps whose values may be null are named `Schema.field` in the supplement.
      const nullable = adjustments.nullableMapValues.includes(`${name}.${field}`)
      problems.push(...(nullable ? checkMap(expression, record[field], here) : check(expression, record[field], here)))
    }
    for (const field of Object.keys(record)) {
      if (!(field in fields)) problems.push(`${path}.${field}: ${name} has no field "${field}"`)
    }
    return problems
  }

  const checkMap = (expression: string, value: unknown, path: string): string[] => {
    const type = parseType(expression)
    if (!value || typeof value !== 'object' || Array.isArray(value))
      return [`${path}: expected a map, got ${describe(value)}`]
    return Object.entries(value).flatMap(([key, entry]) => check(type.mapOf ?? 'string', entry, `${path}.${key}`, true))
  }

  return {
    /** Problems of `value` as an instance of schema `name` (or a type expression such as `File[]`). */
    problems(name: string, value: unknown): string[] {
      if (!schemas[name.replace(/(\[\])?!?$/, '')]) return [`the index has no schema "${name}"`]
      return check(name, value, name.replace(/(\[\])?!?$/, ''))
    },
  }
}
