/**
 * Associations v4 [I `associations_v4`] [R (b), (c)]: a record's associations of one type with their type ids
 * (paged), the default association (`PUT …/associations/default/{toType}/{toId}`, no type id needed: idempotent,
 * answering both directions), a labelled association, its removal, and batch reads. The scopes are those of both
 * object types involved (reads need both read scopes, writes both write scopes: VERIFY).
 *
 * @module
 */
import { type ApiContext, type ApiRequest, requireScopes } from './context.ts'
import { CRM_ERRORS } from './errors.ts'
import { API_ORIGIN, ASSOCIATION_TYPE_IDS, OBJECT_TYPES, type ObjectType, PAGING, SCOPES } from './facts.ts'
import { type Answer, jsonObject } from './http.ts'
import { objectTypeOf } from './render.ts'

const HUBSPOT_DEFINED = new Set(Object.values(ASSOCIATION_TYPE_IDS))

/** Association types as v4 answers them [I `AssociationSpecWithLabel`] (no label: the default ones have none). */
const typesJson = (typeIds: readonly number[]) =>
  typeIds.map((typeId) => ({ category: HUBSPOT_DEFINED.has(typeId) ? 'HUBSPOT_DEFINED' : 'USER_DEFINED', typeId }))

function page(context: ApiContext, type: ObjectType, id: string, toType: ObjectType, after: number, limit: number) {
  const links = context.store.associations(type, id, toType)
  const slice = links.slice(after, after + limit)
  return {
    // The index types `toObjectId` as a string (live answers may be numbers: VERIFY).
    results: slice.map((link) => ({ toObjectId: link.id, associationTypes: typesJson(link.typeIds) })),
    next: after + limit < links.length ? String(after + limit) : undefined,
  }
}

/**
 * Answers `/crm/v4/objects/…` and `/crm/v4/associations/…`.
 *
 * @throws {HubSpotError} HubSpot's 4xx answers
 * @example
 * ```ts
 * routeAssociations(context, request) // PUT /crm/v4/objects/notes/1/associations/default/invoices/2
 * ```
 */
export function routeAssociations(context: ApiContext, request: ApiRequest): Answer {
  const { method, url, segments } = request
  const { store, clock } = context
  if (segments[2] === 'associations' && segments[5] === 'batch' && segments[6] === 'read' && method === 'POST') {
    const [from, to] = [objectTypeOf(segments[3] ?? ''), objectTypeOf(segments[4] ?? '')]
    requireScopes(context, SCOPES.read[from], SCOPES.read[to])
    const inputs = (jsonObject(request.body).inputs as { id?: unknown; after?: unknown }[] | undefined) ?? []
    if (inputs.length > PAGING.batchMax) throw CRM_ERRORS.invalid(`At most ${PAGING.batchMax} inputs per batch`)
    const startedAt = clock.now().toISOString()
    const results = []
    const missing: string[] = []
    for (const input of inputs) {
      const id = String(input?.id ?? '')
      if (!store.get(from, id)) {
        missing.push(id)
        continue
      }
      const found = page(context, from, id, to, Number(input?.after ?? 0) || 0, PAGING.associationsMax)
      results.push({
        from: { id },
        to: found.results,
        ...(found.next ? { paging: { next: { after: found.next } } } : {}),
      })
    }
    const done = { status: 'COMPLETE', results, startedAt, completedAt: clock.now().toISOString() }
    if (missing.length === 0) return { status: 200, json: done }
    const error = {
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      message: `No ${OBJECT_TYPES[from].label} objects found for ids ${missing.join(', ')}`,
      context: { ids: missing },
      errors: [],
      links: {},
    }
    return { status: 207, json: { ...done, numErrors: 1, errors: [error] } }
  }
  if (segments[2] !== 'objects' || segments[5] !== 'associations') throw CRM_ERRORS.notFound()
  const type = objectTypeOf(segments[3] ?? '')
  const id = segments[4] ?? ''
  const isDefault = segments[6] === 'default'
  const toType = objectTypeOf(segments[isDefault ? 7 : 6] ?? '')
  const toId = segments[isDefault ? 8 : 7]
  if (toId === undefined) {
    if (method !== 'GET' || isDefault) throw CRM_ERRORS.methodNotAllowed()
    requireScopes(context, SCOPES.read[type], SCOPES.read[toType])
    if (!store.get(type, id)) throw CRM_ERRORS.notFound()
    const limit = Number(url.searchParams.get('limit') ?? PAGING.associationsDefault)
    if (!Number.isInteger(limit) || limit < 1 || limit > PAGING.associationsMax) {
      throw CRM_ERRORS.invalid(`limit must be between 1 and ${PAGING.associationsMax}`)
    }
    const found = page(context, type, id, toType, Number(url.searchParams.get('after') ?? 0) || 0, limit)
    const link = (after: string) => `${API_ORIGIN}/crm/v4/objects/${type}/${id}/associations/${toType}?after=${after}`
    return {
      status: 200,
      json: {
        results: found.results,
        ...(found.next ? { paging: { next: { after: found.next, link: link(found.next) } } } : {}),
      },
    }
  }
  requireScopes(context, SCOPES.write[type], SCOPES.write[toType])
  if (!store.get(type, id) || !store.get(toType, toId)) throw CRM_ERRORS.notFound()
  if (method === 'DELETE' && !isDefault) {
    store.dissociate(type, id, toType, toId)
    return { status: 204 }
  }
  if (method !== 'PUT') throw CRM_ERRORS.methodNotAllowed()
  if (isDefault) {
    const startedAt = clock.now().toISOString()
    store.associate(type, id, toType, toId)
    const spec = (a: ObjectType, b: ObjectType) => ({
      associationCategory: 'HUBSPOT_DEFINED',
      associationTypeId: ASSOCIATION_TYPE_IDS[`${a}:${b}`] ?? 0,
    })
    return {
      status: 200,
      json: {
        status: 'COMPLETE',
        results: [
          { from: { id }, to: { id: toId }, associationSpec: spec(type, toType) },
          { from: { id: toId }, to: { id }, associationSpec: spec(toType, type) },
        ],
        startedAt,
        completedAt: clock.now().toISOString(),
      },
    }
  }
  let specs: unknown
  try {
    specs = JSON.parse(request.body.toString('utf8'))
  } catch {
    throw CRM_ERRORS.invalid('Invalid input JSON: expected an array of association specs')
  }
  const typeIds = (Array.isArray(specs) ? specs : []).map((spec) =>
    Number((spec as { associationTypeId?: unknown })?.associationTypeId),
  )
  if (typeIds.length === 0 || typeIds.some((typeId) => !Number.isInteger(typeId))) {
    throw CRM_ERRORS.invalid('Expected an array of {associationCategory, associationTypeId}')
  }
  store.associate(type, id, toType, toId, typeIds)
  return {
    status: 201,
    json: {
      fromObjectTypeId: OBJECT_TYPES[type].id,
      fromObjectId: id,
      toObjectTypeId: OBJECT_TYPES[toType].id,
      toObjectId: toId,
      labels: [],
    },
  }
}
