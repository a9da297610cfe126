/**
 * What BC checks in a write before its business logic: the body is a JSON object of the entity's fields
 * (annotations such as `@odata.etag` aside), none read-only, each of its type (amounts as JSON numbers, dates
 * `YYYY-MM-DD`, GUIDs, enum values), texts within their length (`Code` fields upper-cased); and the concurrency
 * token: PATCH requires `If-Match` (an ETag or `*`), DELETE and actions check one when given.
 *
 * @module
 */
import { BC_ERRORS, FIELD_LENGTHS } from './facts.ts'
import { BcError } from './http.ts'
import { JsonNumber, parseJson } from './json.ts'
import type { EntitySpec, FieldSpec, Row, Value } from './model.ts'

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
const DATE = /^\d{4}-\d{2}-\d{2}$/

/**
 * A request body parsed as a JSON object.
 *
 * @throws {BcError} BC's "Invalid Request Body" for anything else
 * @example
 * ```ts
 * const body = jsonObject(request.body)
 * ```
 */
export function jsonObject(raw: Buffer): Record<string, unknown> {
  try {
    const body = parseJson(raw.toString('utf8'))
    if (body && typeof body === 'object' && !Array.isArray(body) && !(body instanceof JsonNumber)) {
      return body as Record<string, unknown>
    }
  } catch {}
  throw new BcError(BC_ERRORS.invalidBody())
}

function valueFor(spec: EntitySpec, field: FieldSpec, value: unknown): Value {
  const wrong = (edm: string) =>
    new BcError(BC_ERRORS.badValue(String(value instanceof JsonNumber ? value.source : value), edm))
  switch (field.kind) {
    case 'decimal':
      if (!(value instanceof JsonNumber)) throw wrong('Edm.Decimal')
      return value.source
    case 'integer':
      if (!(value instanceof JsonNumber) || !/^-?\d+$/.test(value.source)) throw wrong('Edm.Int32')
      return Number(value.source)
    case 'boolean':
      if (typeof value !== 'boolean') throw wrong('Edm.Boolean')
      return value
    case 'guid':
      if (typeof value !== 'string' || !GUID.test(value)) throw wrong('Edm.Guid')
      return value.toLowerCase()
    case 'date':
      if (typeof value !== 'string' || !DATE.test(value) || Number.isNaN(Date.parse(value))) throw wrong('Edm.Date')
      return value
    case 'datetime':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw wrong('Edm.DateTimeOffset')
      return new Date(value).toISOString()
    case 'enum':
      if (typeof value !== 'string' || !field.values?.includes(value)) throw wrong(`Microsoft.NAV.${field.name}`)
      return value
    default: {
      if (typeof value !== 'string') throw wrong('Edm.String')
      const limit = FIELD_LENGTHS[spec.set]?.[field.name]
      if (limit && value.length > limit.max) throw new BcError(BC_ERRORS.tooLong(value, limit.max))
      return limit?.code ? value.toUpperCase() : value
    }
  }
}

/**
 * The fields a POST or PATCH body sets, checked and converted to stored values.
 *
 * @throws {BcError} BC's 400 for an unknown or read-only field, or a value of the wrong type or length
 * @example
 * ```ts
 * const patch = fieldsOf(ENTITIES.purchaseInvoices, body)
 * ```
 */
export function fieldsOf(spec: EntitySpec, body: Record<string, unknown>): Row {
  const row: Row = {}
  for (const [name, value] of Object.entries(body)) {
    if (name.includes('@')) continue
    const field = spec.field.get(name)
    if (!field || field.kind === 'stream') throw new BcError(BC_ERRORS.unknownProperty(name, spec.type))
    if (!field.editable) throw new BcError(BC_ERRORS.readOnly(name))
    row[name] = valueFor(spec, field, value)
  }
  return row
}

/**
 * Checks `If-Match` against an entity's ETag.
 *
 * @throws {BcError} 400 when it is required and missing, BC's conflict when it names another version
 * @example
 * ```ts
 * checkIfMatch(request.headers['if-match'], store.etag(stored), true)
 * ```
 */
export function checkIfMatch(ifMatch: string | undefined, etag: string, required: boolean): void {
  if (ifMatch === undefined || ifMatch.trim() === '') {
    if (required) throw new BcError(BC_ERRORS.missingIfMatch())
    return
  }
  const given = ifMatch.split(',').map((part) => part.trim())
  if (given.includes('*') || given.includes(etag)) return
  throw new BcError(BC_ERRORS.staleEtag())
}
