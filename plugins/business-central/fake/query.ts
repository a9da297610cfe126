/**
 * Lists as BC answers them: `$filter`, `$orderby` (the key breaks ties), `$top`, `$skip`, `$select`, `$count`, and
 * server-driven paging: a page holds at most the fake's page size (or the client's smaller
 * `Prefer: odata.maxpagesize`), and `@odata.nextLink` is the same URL with a `$skiptoken` naming the last entity
 * given (keyset: an entity changed while a client pages moves to its new place instead of shifting the others).
 *
 * @module
 */
import { Decimal } from 'decimal.js'
import { BC_ERRORS, MAX_PAGE_SIZE } from './facts.ts'
import { compileFilter } from './filter.ts'
import { BcError } from './http.ts'
import { type EntitySpec, fieldValue, type Row } from './model.ts'

/** The query options of a list request. */
export interface ListQuery {
  readonly filter?: string
  readonly orderby: readonly { readonly field: string; readonly descending: boolean }[]
  readonly top?: number
  readonly skip: number
  readonly select?: readonly string[]
  readonly expand: readonly string[]
  readonly count: boolean
  readonly skiptoken?: string
}

const integerOption = (name: string, text: string | null): number | undefined => {
  if (text === null) return undefined
  if (!/^\d+$/.test(text)) throw new BcError(BC_ERRORS.badValue(text, `${name} (Edm.Int32)`))
  return Number(text)
}

const fieldsOf = (spec: EntitySpec, text: string): string[] =>
  text.split(',').map((part) => {
    const name = part.trim()
    if (!spec.field.has(name)) throw new BcError(BC_ERRORS.filterProperty(name, spec.type))
    return name
  })

/**
 * Reads the query options of a request for an entity set; `expandable` names its navigation properties.
 *
 * @throws {BcError} BC's 400 for an option it cannot take
 * @example
 * ```ts
 * const query = listQuery(ENTITIES.salesInvoices, url.searchParams, ['salesInvoiceLines', 'customer'])
 * ```
 */
export function listQuery(spec: EntitySpec, params: URLSearchParams, expandable: readonly string[]): ListQuery {
  const orderby = (params.get('$orderby') ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [field = '', direction = 'asc', ...extra] = part.split(/\s+/)
      if (!spec.field.has(field)) throw new BcError(BC_ERRORS.filterProperty(field, spec.type))
      if (extra.length > 0 || !['asc', 'desc'].includes(direction)) throw new BcError(BC_ERRORS.filterSyntax(0, part))
      return { field, descending: direction === 'desc' }
    })
  const expand = (params.get('$expand') ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
  for (const name of expand) {
    // The fake takes plain navigation names; nested options ($expand=lines($select=...)) it does not imitate.
    if (!expandable.includes(name)) throw new BcError(BC_ERRORS.filterProperty(name, spec.type))
  }
  const filter = params.get('$filter') ?? undefined
  const select = params.get('$select')
  const top = integerOption('$top', params.get('$top'))
  const skiptoken = params.get('$skiptoken') ?? undefined
  return {
    ...(filter !== undefined ? { filter } : {}),
    orderby,
    ...(top !== undefined ? { top } : {}),
    skip: integerOption('$skip', params.get('$skip')) ?? 0,
    ...(select ? { select: fieldsOf(spec, select) } : {}),
    expand,
    count: params.get('$count') === 'true',
    ...(skiptoken !== undefined ? { skiptoken } : {}),
  }
}

function compareValues(spec: EntitySpec, field: string, a: Row, b: Row): number {
  const definition = spec.field.get(field)!
  const [x, y] = [fieldValue(definition, a), fieldValue(definition, b)]
  if (definition.kind === 'decimal' || definition.kind === 'integer') return new Decimal(String(x)).cmp(String(y))
  if (definition.kind === 'datetime') return Math.sign(Date.parse(String(x)) - Date.parse(String(y)))
  const [s, t] = [String(x), String(y)]
  return s === t ? 0 : s < t ? -1 : 1
}

/** The order of a list: `$orderby`, then the entity's id. */
function comparator(spec: EntitySpec, query: ListQuery): (a: Row, b: Row) => number {
  return (a, b) => {
    for (const { field, descending } of query.orderby) {
      const order = compareValues(spec, field, a, b)
      if (order !== 0) return descending ? -order : order
    }
    return String(a.id).localeCompare(String(b.id))
  }
}

/** A page of a list. */
export interface Page {
  readonly rows: readonly Row[]
  /** The `$skiptoken` of the next page, when there is one. */
  readonly next?: string
  /** Entities matching the filter (for `$count`). */
  readonly total: number
  /** The page size applied from the client's `odata.maxpagesize`, when it was. */
  readonly preferenceApplied?: number
}

interface Position {
  /** The last entity given, as a row of its sort values and id. */
  readonly after: Row
  /** How many entities of `$top` are given so far. */
  readonly given: number
}

function positionOf(token: string): Position {
  try {
    const position = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Position
    if (position && typeof position.after === 'object' && typeof position.given === 'number') return position
  } catch {}
  throw new BcError(BC_ERRORS.badValue(token, '$skiptoken'))
}

/**
 * One page of `rows` for a query.
 *
 * @example
 * ```ts
 * const page = pageOf(ENTITIES.salesInvoices, rows, query, { pageSize: 50, prefer: request.headers.prefer })
 * ```
 */
export function pageOf(
  spec: EntitySpec,
  rows: readonly Row[],
  query: ListQuery,
  options: { readonly pageSize?: number; readonly prefer?: string },
): Page {
  const keep = query.filter ? compileFilter(spec, query.filter) : () => true
  const order = comparator(spec, query)
  const matching = rows.filter(keep).sort(order)
  const position = query.skiptoken ? positionOf(query.skiptoken) : undefined
  const remaining = position ? matching.filter((row) => order(row, position.after) > 0) : matching.slice(query.skip)
  const given = position?.given ?? 0
  const wanted = query.top === undefined ? remaining.length : Math.max(0, query.top - given)
  const requested = /odata\.maxpagesize=(\d+)/.exec(options.prefer ?? '')?.[1]
  const server = Math.min(options.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE)
  const size = requested ? Math.max(1, Math.min(Number(requested), server)) : server
  const page = remaining.slice(0, Math.min(size, wanted))
  const last = page.at(-1)
  const more = last !== undefined && Math.min(remaining.length, wanted) > page.length
  const after: Row | undefined = last
    ? Object.fromEntries(
        [...query.orderby.map(({ field }) => field), 'id'].map((field) => [
          field,
          last[field] ?? fieldValue(spec.field.get(field)!, last),
        ]),
      )
    : undefined
  return {
    rows: page,
    ...(more && after
      ? { next: Buffer.from(JSON.stringify({ after, given: given + page.length })).toString('base64url') }
      : {}),
    total: matching.length,
    ...(requested ? { preferenceApplied: size } : {}),
  }
}
