/**
 * What every API route gets: the request as the router parsed it and the fake's state, plus the answers all
 * routes share (an entity, a page of a list with its `@odata.nextLink`).
 *
 * @module
 */

import type { FakeClock } from '@ksef-hub/connector-sdk/testing'
import type { Principal } from './auth.ts'
import type { Numbering } from './documents.ts'
import type { Answer } from './http.ts'
import { type EntitySpec, render } from './model.ts'
import { type ListQuery, pageOf } from './query.ts'
import type { Store, Stored } from './store.ts'
import type { Subscriptions } from './webhooks.ts'

/** One segment of an API path: `salesInvoices(<id>)` is `{ name: 'salesInvoices', key: '<id>' }`. */
export interface Segment {
  readonly name: string
  readonly key?: string
}

/** An API request, parsed. */
export interface ApiRequest {
  readonly method: string
  readonly url: URL
  /** The path after the API base, by segment. */
  readonly segments: readonly Segment[]
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: Buffer
}

/** The fake's state, as the routes see it. */
export interface ApiContext {
  readonly store: Store
  readonly clock: FakeClock
  /** The API base of this tenant and environment (`…/v2.0/{tenant}/{env}/api/v2.0`). */
  readonly base: string
  /** The fake's server page size. */
  readonly pageSize: number
  readonly numbering: (companyId: string) => Numbering
  readonly subscriptions: Subscriptions
  readonly principal: Principal
}

/** Expands one navigation property of an entity (`salesInvoiceLines`, `customer`). */
export type Expander = (stored: Stored, name: string) => unknown

/**
 * The URL of a path below a company.
 *
 * @example
 * ```ts
 * setUrl(context, companyId, 'salesInvoices') // '…/api/v2.0/companies(<id>)/salesInvoices'
 * ```
 */
export function setUrl(context: ApiContext, companyId: string, path: string): string {
  return `${context.base}/companies(${companyId})/${path}`
}

/**
 * An entity as BC answers it: `@odata.context`, its fields, the expanded navigation properties; ETag header.
 *
 * @example
 * ```ts
 * return entityAnswer(context, spec, stored, { context: `companies(${companyId})/vendors`, self })
 * ```
 */
export function entityAnswer(
  context: ApiContext,
  spec: EntitySpec,
  stored: Stored,
  options: {
    readonly context: string
    readonly self?: string
    readonly query?: Pick<ListQuery, 'select' | 'expand'>
    readonly expand?: Expander
    readonly status?: number
  },
): Answer {
  const etag = context.store.etag(stored)
  const json: Record<string, unknown> = {
    '@odata.context': `${context.base}/$metadata#${options.context}/$entity`,
    ...render(spec, stored.row, {
      etag,
      ...(options.self ? { self: options.self } : {}),
      ...(options.query?.select ? { select: options.query.select } : {}),
    }),
  }
  for (const name of options.query?.expand ?? []) json[name] = options.expand?.(stored, name) ?? null
  return { status: options.status ?? 200, json, headers: { etag } }
}

/**
 * A page of a list as BC answers it: `@odata.context`, `value`, and `@odata.nextLink` while more remain.
 *
 * @example
 * ```ts
 * return listAnswer(context, request, ENTITIES.vendors, store.all(companyId, 'vendors'), query, {
 *   context: `companies(${companyId})/vendors`,
 * })
 * ```
 */
export function listAnswer(
  context: ApiContext,
  request: ApiRequest,
  spec: EntitySpec,
  entities: readonly Stored[],
  query: ListQuery,
  options: { readonly context: string; readonly self?: (stored: Stored) => string; readonly expand?: Expander },
): Answer {
  const byId = new Map(entities.map((stored) => [stored.id, stored]))
  const page = pageOf(
    spec,
    entities.map((stored) => stored.row),
    query,
    { pageSize: context.pageSize, ...(request.headers.prefer ? { prefer: request.headers.prefer } : {}) },
  )
  const value = page.rows.map((row) => {
    const stored = byId.get(String(row.id)) as Stored
    const entity = render(spec, stored.row, {
      etag: context.store.etag(stored),
      ...(options.self ? { self: options.self(stored) } : {}),
      ...(query.select ? { select: query.select } : {}),
    })
    for (const name of query.expand) entity[name] = options.expand?.(stored, name) ?? null
    return entity
  })
  const json: Record<string, unknown> = { '@odata.context': `${context.base}/$metadata#${options.context}` }
  if (query.count) json['@odata.count'] = page.total
  json.value = value
  if (page.next) {
    const search = request.url.search
      .slice(1)
      .split('&')
      .filter((part) => part && !part.startsWith('$skiptoken=') && !part.startsWith('%24skiptoken='))
    json['@odata.nextLink'] =
      `${request.url.origin}${request.url.pathname}?${[...search, `$skiptoken=${page.next}`].join('&')}`
  }
  return {
    status: 200,
    json,
    ...(page.preferenceApplied
      ? { headers: { 'preference-applied': `odata.maxpagesize=${page.preferenceApplied}` } }
      : {}),
  }
}
