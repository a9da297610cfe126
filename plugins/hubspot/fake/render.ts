/**
 * Records as the CRM APIs answer them [I `SimplePublicObject`, `SimplePublicObjectWithAssociations`]: the
 * properties asked for (with HubSpot's id and stamps always; `null` for a property with no value, as the SDK's
 * model `{[key]: string | null}` allows [S]), their history when asked, and v3 associations. Also the naming of
 * object types in paths (`invoices`, `invoice`, `0-53`).
 *
 * @module
 */
import { DEFAULT_PROPERTIES, STAMPS } from './catalog.ts'
import { CRM_ERRORS } from './errors.ts'
import { OBJECT_TYPES, type ObjectType, V3_ASSOCIATION_KEYS } from './facts.ts'
import type { Schema } from './schema.ts'
import type { CrmRecord, Store } from './store.ts'

/**
 * The object type a path names: its API name, its singular (VERIFY: accepted), or its type id.
 *
 * @throws {HubSpotError} 400 for a name HubSpot cannot infer a type from
 * @example
 * ```ts
 * objectTypeOf('0-53') // 'invoices'
 * ```
 */
export function objectTypeOf(name: string): ObjectType {
  const lower = decodeURIComponent(name).toLowerCase()
  for (const [type, meta] of Object.entries(OBJECT_TYPES) as [ObjectType, (typeof OBJECT_TYPES)[ObjectType]][]) {
    if (lower === type || lower === meta.singular || lower === meta.id) return type
  }
  throw CRM_ERRORS.unknownObjectType(name)
}

/** What a read asks for. */
export interface ReadShape {
  readonly properties?: readonly string[]
  readonly propertiesWithHistory?: readonly string[]
  /** v3 associations to include (types, already resolved). */
  readonly associations?: readonly ObjectType[]
}

/**
 * The properties of a record a read answers.
 *
 * @example
 * ```ts
 * propertiesOf(schema, record, ['hs_number']) // { hs_createdate, hs_lastmodifieddate, hs_number, hs_object_id }
 * ```
 */
export function propertiesOf(
  schema: Schema,
  record: CrmRecord,
  requested: readonly string[] = [],
): Record<string, string | null> {
  const stamps = STAMPS[record.type]
  const names =
    requested.length === 0
      ? DEFAULT_PROPERTIES[record.type]
      : [...new Set([stamps.created, stamps.modified, 'hs_object_id', ...requested])]
  const properties: Record<string, string | null> = {}
  for (const name of [...names].sort()) {
    // A property the portal does not have is left out, not answered null (VERIFY).
    if (!schema.property(record.type, name)) continue
    properties[name] = record.values.get(name) ?? null
  }
  return properties
}

/**
 * A record as `SimplePublicObject` (with `associations` when asked: `SimplePublicObjectWithAssociations`).
 *
 * @example
 * ```ts
 * renderRecord(store, schema, record, { properties: ['hs_number'], associations: ['line_items'] })
 * ```
 */
export function renderRecord(
  store: Store,
  schema: Schema,
  record: CrmRecord,
  shape: ReadShape = {},
): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: record.id,
    properties: propertiesOf(schema, record, shape.properties),
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
    archived: record.archived,
  }
  if (record.archivedAt !== undefined) json.archivedAt = new Date(record.archivedAt).toISOString()
  const withHistory = (shape.propertiesWithHistory ?? []).filter((name) => schema.property(record.type, name))
  if (withHistory.length > 0) {
    json.propertiesWithHistory = Object.fromEntries(
      withHistory.map((name) => [
        name,
        (record.history.get(name) ?? []).map((entry) => ({
          value: entry.value,
          timestamp: new Date(entry.timestamp).toISOString(),
          sourceType: entry.sourceType,
        })),
      ]),
    )
  }
  const associations: Record<string, unknown> = {}
  for (const toType of shape.associations ?? []) {
    const links = store.associations(record.type, record.id, toType)
    // HubSpot leaves a type without associations out of the map (VERIFY).
    if (links.length === 0) continue
    const name = `${OBJECT_TYPES[record.type].singular}_to_${OBJECT_TYPES[toType].singular}`
    associations[V3_ASSOCIATION_KEYS[toType]] = { results: links.map((link) => ({ id: link.id, type: name })) }
  }
  if (shape.associations) json.associations = associations
  return json
}
