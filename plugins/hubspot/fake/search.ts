/**
 * CRM search (`POST /crm/v3/objects/{type}/search` [I `PublicObjectSearchRequest`]): filter groups ORed, filters
 * within a group ANDed, compared by each property's type (a datetime filter takes epoch milliseconds or ISO
 * 8601 [R (a)]); one sort, given as `{propertyName, direction}` or as a string (`"prop"`, `"-prop"` descending:
 * VERIFY), ties broken by id; `after` is an offset; `total` counts every match, while paging stops at the 10,000th
 * result [N §4]. A search index lag can be imitated (`lagMs`): records written within it are not found yet.
 *
 * @module
 */
import type { PropertyDef } from './catalog.ts'
import { CRM_ERRORS } from './errors.ts'
import { type ObjectType, PAGING } from './facts.ts'
import type { Schema } from './schema.ts'
import type { CrmRecord, Store } from './store.ts'
import { instantOf } from './values.ts'

const OPERATORS = [
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
] as const

interface Filter {
  readonly propertyName: string
  readonly operator: (typeof OPERATORS)[number]
  readonly value?: string
  readonly highValue?: string
  readonly values?: readonly string[]
}

/** A search's page of records. */
export interface SearchPage {
  readonly total: number
  readonly records: readonly CrmRecord[]
  /** The offset of the next page, when there is one within the cap. */
  readonly next?: number
  readonly properties: readonly string[]
}

const bad = (message: string) => CRM_ERRORS.invalid(message)
const text = (value: unknown) => (value === undefined || value === null ? undefined : String(value))

/** A comparable form of a value of `def` (numbers and instants as numbers, strings lower-cased). */
function comparable(def: PropertyDef, value: string): number | string | undefined {
  if (def.type === 'number') return value.trim() === '' || Number.isNaN(Number(value)) ? undefined : Number(value)
  if (def.type === 'datetime') return instantOf(value)
  if (def.type === 'date') return /^\d+$/.test(value) ? new Date(Number(value)).toISOString().slice(0, 10) : value
  return value.toLowerCase()
}

function matches(def: PropertyDef, record: CrmRecord, filter: Filter): boolean {
  const stored = record.values.get(filter.propertyName)
  if (filter.operator === 'HAS_PROPERTY') return stored !== undefined
  if (filter.operator === 'NOT_HAS_PROPERTY') return stored === undefined
  if (filter.operator === 'NOT_IN')
    return !(filter.values ?? []).some((v) => comparable(def, v) === comparable(def, stored ?? ''))
  if (filter.operator === 'NEQ')
    return stored === undefined || comparable(def, stored) !== comparable(def, filter.value ?? '')
  if (stored === undefined) return false
  const have = comparable(def, stored)
  if (have === undefined) return false
  const want = comparable(def, filter.value ?? '')
  switch (filter.operator) {
    case 'EQ':
      return have === want
    case 'IN':
      return (filter.values ?? []).some((value) => comparable(def, value) === have)
    case 'CONTAINS_TOKEN':
    case 'NOT_CONTAINS_TOKEN': {
      const token = (filter.value ?? '').toLowerCase().replaceAll('*', '')
      const found = String(have)
        .split(/[^\p{L}\p{N}@._-]+/u)
        .some((word) => word.includes(token))
      return filter.operator === 'CONTAINS_TOKEN' ? found : !found
    }
    case 'BETWEEN': {
      const high = comparable(def, filter.highValue ?? '')
      return want !== undefined && high !== undefined && have >= want && have <= high
    }
    default:
      if (want === undefined) return false
      if (filter.operator === 'LT') return have < want
      if (filter.operator === 'LTE') return have <= want
      if (filter.operator === 'GT') return have > want
      return have >= want
  }
}

function parseFilters(schema: Schema, type: ObjectType, groups: unknown): { def: PropertyDef; filter: Filter }[][] {
  if (groups === undefined) return []
  if (!Array.isArray(groups)) throw bad('filterGroups must be an array')
  if (groups.length > PAGING.maxFilterGroups) throw bad(`Too many filter groups: at most ${PAGING.maxFilterGroups}`)
  let count = 0
  return groups.map((group: { filters?: unknown }) => {
    const filters = Array.isArray(group?.filters) ? group.filters : []
    if (filters.length > PAGING.maxFiltersPerGroup) {
      throw bad(`Too many filters in a group: at most ${PAGING.maxFiltersPerGroup}`)
    }
    count += filters.length
    if (count > PAGING.maxFilters) throw bad(`Too many filters: at most ${PAGING.maxFilters}`)
    return filters.map((raw: Record<string, unknown>) => {
      const filter: Filter = {
        propertyName: String(raw?.propertyName ?? ''),
        operator: String(raw?.operator ?? '') as Filter['operator'],
        ...(text(raw?.value) !== undefined ? { value: text(raw?.value) } : {}),
        ...(text(raw?.highValue) !== undefined ? { highValue: text(raw?.highValue) } : {}),
        ...(Array.isArray(raw?.values) ? { values: raw.values.map(String) } : {}),
      }
      if (!OPERATORS.includes(filter.operator)) throw bad(`Unknown operator "${filter.operator}"`)
      const def = schema.property(type, filter.propertyName)
      if (!def) throw bad(`Property "${filter.propertyName}" does not exist on ${type}`)
      return { def, filter }
    })
  })
}

function parseSort(
  schema: Schema,
  type: ObjectType,
  sorts: unknown,
): { def: PropertyDef; descending: boolean } | undefined {
  if (sorts === undefined || (Array.isArray(sorts) && sorts.length === 0)) return undefined
  if (!Array.isArray(sorts)) throw bad('sorts must be an array')
  if (sorts.length > 1) throw bad('Only one sort is allowed')
  const [sort] = sorts as unknown[]
  const [name, descending] =
    typeof sort === 'string'
      ? [sort.replace(/^-/, ''), sort.startsWith('-')]
      : [
          String((sort as Record<string, unknown>)?.propertyName ?? ''),
          (sort as Record<string, unknown>)?.direction === 'DESCENDING',
        ]
  const def = schema.property(type, name)
  if (!def) throw bad(`Property "${name}" does not exist on ${type}`)
  return { def, descending }
}

/**
 * Runs a search.
 *
 * @throws {HubSpotError} 400 for a malformed request, a limit over 200, or paging past the 10,000th result
 * @example
 * ```ts
 * const page = search(store, schema, 'invoices', { filterGroups: [...], limit: 100 }, { now, lagMs: 0 })
 * ```
 */
export function search(
  store: Store,
  schema: Schema,
  type: ObjectType,
  body: Record<string, unknown>,
  options: { readonly now: number; readonly lagMs: number },
): SearchPage {
  const limit = body.limit === undefined ? PAGING.searchDefault : Number(body.limit)
  if (!Number.isInteger(limit) || limit < 0 || limit > PAGING.searchMax) {
    throw bad(`limit must be between 0 and ${PAGING.searchMax}`)
  }
  const after = body.after === undefined || body.after === '' ? 0 : Number(body.after)
  if (!Number.isInteger(after) || after < 0) throw bad(`after "${String(body.after)}" is not a valid paging cursor`)
  if (after >= PAGING.searchCap) throw CRM_ERRORS.searchCap(PAGING.searchCap)
  const groups = parseFilters(schema, type, body.filterGroups)
  const sort = parseSort(schema, type, body.sorts)
  const query = typeof body.query === 'string' ? body.query.toLowerCase() : ''
  const found = store
    .all(type)
    .filter((record) => record.updatedAt <= options.now - options.lagMs)
    .filter(
      (record) =>
        groups.length === 0 || groups.some((group) => group.every(({ def, filter }) => matches(def, record, filter))),
    )
    .filter((record) => !query || [...record.values.values()].some((value) => value.toLowerCase().includes(query)))
  const ordered = found.sort((a, b) => {
    if (sort) {
      const [x, y] = [a, b].map((record) => {
        const value = record.values.get(sort.def.name)
        return value === undefined ? undefined : comparable(sort.def, value)
      })
      if (x !== y) {
        // Records without a value sort last either way (VERIFY).
        if (x === undefined) return 1
        if (y === undefined) return -1
        return (x < y ? -1 : 1) * (sort.descending ? -1 : 1)
      }
    }
    return Number(a.id) - Number(b.id)
  })
  const end = Math.min(after + limit, PAGING.searchCap)
  const properties = Array.isArray(body.properties) ? body.properties.map(String) : []
  return {
    total: ordered.length,
    records: ordered.slice(after, end),
    ...(end < Math.min(ordered.length, PAGING.searchCap) ? { next: end } : {}),
    properties,
  }
}
