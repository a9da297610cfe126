/**
 * Which handler answers an API path, and the small endpoints answered here: tax rates [I `tax_rates_v1`] and
 * files [I `files`] (`files.ts` keeps them).
 *
 * @module
 */
import { routeAssociations } from './associations.ts'
import { type ApiContext, type ApiRequest, requireScopes } from './context.ts'
import { CRM_ERRORS } from './errors.ts'
import { API_ORIGIN, PAGING, SCOPES } from './facts.ts'
import { fileJson } from './files.ts'
import type { Answer } from './http.ts'
import { parseMultipart } from './multipart.ts'
import { routeObjects } from './objects.ts'
import { routeProperties } from './properties.ts'
import { FAKE_TAX_RATES, taxRateJson } from './tax-rates.ts'

/**
 * Whether a path is a CRM search (limited by search's own per-second limit, exempt from the burst one [I]).
 *
 * @example
 * ```ts
 * isSearch(['crm', 'v3', 'objects', 'invoices', 'search']) // true
 * ```
 */
export const isSearch = (segments: readonly string[]): boolean =>
  segments[0] === 'crm' && segments[2] === 'objects' && segments[4] === 'search' && segments.length === 5

function taxRates(context: ApiContext, request: ApiRequest): Answer {
  if (request.method !== 'GET') throw CRM_ERRORS.methodNotAllowed()
  requireScopes(context, SCOPES.taxRates)
  const id = request.segments[3]
  if (id !== undefined) {
    const rate = FAKE_TAX_RATES.find((candidate) => candidate.id === id)
    if (!rate) throw CRM_ERRORS.notFound()
    return { status: 200, json: taxRateJson(rate) }
  }
  const query = request.url.searchParams
  const active = query.get('active')
  const all = FAKE_TAX_RATES.filter((rate) => active === null || String(rate.active) === active)
  const after = Number(query.get('after') ?? 0) || 0
  const limit = Number(query.get('limit') ?? PAGING.taxRatesDefault) || PAGING.taxRatesDefault
  const next = after + limit < all.length ? String(after + limit) : undefined
  return {
    status: 200,
    json: {
      results: all.slice(after, after + limit).map(taxRateJson),
      ...(next
        ? { paging: { next: { after: next, link: `${API_ORIGIN}/tax-rates/v1/tax-rates?after=${next}` } } }
        : {}),
    },
  }
}

function files(context: ApiContext, request: ApiRequest): Answer {
  const [, , , id, action] = request.segments
  if (id === undefined) {
    if (request.method !== 'POST') throw CRM_ERRORS.methodNotAllowed()
    requireScopes(context, SCOPES.filesWrite)
    const { file } = context.files.upload(parseMultipart(request.body, request.contentType))
    // The index documents 201 only, also for a duplicate answered with the existing file (VERIFY).
    return { status: 201, json: fileJson(file, context.portalId) }
  }
  if (request.method !== 'GET') throw CRM_ERRORS.methodNotAllowed()
  requireScopes(context, SCOPES.filesRead)
  const file = context.files.get(id)
  if (!file) throw CRM_ERRORS.notFound()
  if (action === undefined) return { status: 200, json: fileJson(file, context.portalId) }
  if (action !== 'signed-url') throw CRM_ERRORS.notFound()
  const seconds = Number(request.url.searchParams.get('expirationSeconds') ?? 3600) || 3600
  return {
    status: 200,
    json: {
      url: `${context.origin()}/__signed/${file.id}/${file.signature}`,
      expiresAt: new Date(context.clock.now().getTime() + seconds * 1000).toISOString(),
      name: file.name,
      extension: file.extension,
      type: 'OTHER',
      size: file.bytes.length,
    },
  }
}

/**
 * Answers an authenticated API request.
 *
 * @throws {HubSpotError} HubSpot's 4xx answers
 * @example
 * ```ts
 * const answer = routeApi(context, { method: 'GET', url, segments, body, contentType })
 * ```
 */
export function routeApi(context: ApiContext, request: ApiRequest): Answer {
  const [area, version, kind] = request.segments
  if (area === 'crm' && version === 'v3' && kind === 'objects') return routeObjects(context, request)
  if (area === 'crm' && version === 'v3' && kind === 'properties') return routeProperties(context, request)
  if (area === 'crm' && version === 'v4') return routeAssociations(context, request)
  if (area === 'tax-rates' && version === 'v1' && kind === 'tax-rates') return taxRates(context, request)
  if (area === 'files' && version === 'v3' && kind === 'files') return files(context, request)
  throw CRM_ERRORS.notFound()
}
