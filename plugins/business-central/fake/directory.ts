/**
 * A company's master data: `companyInformation` (the seller, its NIP in `taxRegistrationNumber`), `customers` and
 * `vendors` (created, changed and deleted as plain records; a `Code` number upper-cased, a new one from the
 * series when none is given), and the read-only `currencies` and `currencyExchangeRates`.
 *
 * @module
 */
import { type ApiContext, type ApiRequest, entityAnswer, listAnswer, type Segment } from './context.ts'
import { BC_ERRORS } from './facts.ts'
import { type Answer, BcError } from './http.ts'
import { find, selfOf } from './lines.ts'
import { ENTITIES, type EntitySet } from './model.ts'
import { listQuery } from './query.ts'
import { checkIfMatch, fieldsOf, jsonObject } from './writes.ts'

/** The master data sets of a company. */
export const DIRECTORY_SETS: readonly EntitySet[] = [
  'companyInformation',
  'customers',
  'vendors',
  'currencies',
  'currencyExchangeRates',
]

const WRITABLE: Partial<Record<EntitySet, { readonly create: boolean; readonly series?: string }>> = {
  companyInformation: { create: false },
  customers: { create: true, series: 'K' },
  vendors: { create: true, series: 'D' },
}

/**
 * Routes `…/companies({id})/{customers|vendors|companyInformation|currencies|currencyExchangeRates}[({id})]`.
 *
 * @example
 * ```ts
 * return directoryRoute(context, request, companyId, segments.slice(1))
 * ```
 */
export function directoryRoute(
  context: ApiContext,
  request: ApiRequest,
  companyId: string,
  segments: readonly Segment[],
): Answer {
  const [head, next] = segments as [Segment, Segment | undefined]
  const set = head.name as EntitySet
  const spec = ENTITIES[set]
  const path = `companies(${companyId})/${set}`
  const writable = WRITABLE[set]
  const self = set === 'companyInformation' ? (id: string) => selfOf(context, companyId, set, id) : undefined
  if (next !== undefined) throw new BcError(BC_ERRORS.unknownSegment(next.name))
  if (head.key === undefined) {
    if (request.method === 'GET') {
      const query = listQuery(spec, request.url.searchParams, [])
      return listAnswer(context, request, spec, context.store.all(companyId, set), query, {
        context: path,
        ...(self ? { self: (stored) => self(stored.id) } : {}),
      })
    }
    if (request.method !== 'POST' || !writable?.create)
      throw new BcError(BC_ERRORS.methodNotAllowed(request.method, set))
    const fields = fieldsOf(spec, jsonObject(request.body))
    const number = fields.number ?? context.numbering(companyId).next(writable.series ?? set)
    const stored = context.store.insert(companyId, set, { ...fields, number })
    return entityAnswer(context, spec, stored, { context: path, status: 201 })
  }
  const stored = find(context, companyId, set, head.key)
  const selfUrl = self?.(stored.id)
  switch (request.method) {
    case 'GET':
      return entityAnswer(context, spec, stored, { context: path, ...(selfUrl ? { self: selfUrl } : {}) })
    case 'PATCH': {
      if (!writable) throw new BcError(BC_ERRORS.methodNotAllowed(request.method, set))
      const body = jsonObject(request.body)
      checkIfMatch(request.headers['if-match'], context.store.etag(stored), true)
      const updated = context.store.update(companyId, set, stored.id, fieldsOf(spec, body))
      return entityAnswer(context, spec, updated, { context: path, ...(selfUrl ? { self: selfUrl } : {}) })
    }
    case 'DELETE':
      if (!writable?.create) throw new BcError(BC_ERRORS.methodNotAllowed(request.method, set))
      checkIfMatch(request.headers['if-match'], context.store.etag(stored), false)
      context.store.delete(companyId, set, stored.id)
      return { status: 204 }
    default:
      throw new BcError(BC_ERRORS.methodNotAllowed(request.method, set))
  }
}
