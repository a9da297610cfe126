/**
 * CRM objects v3 [I `invoices`, `line_items`, `companies`, `contacts`, `notes`]: list, read by id (with
 * `properties`, `propertiesWithHistory`, `associations`, `idProperty`), create (with associations), update,
 * archive, batch read (207 with the ids it could not find) and search (`search.ts`). Scopes per the index.
 *
 * @module
 */
import { type ApiContext, type ApiRequest, requireScopes } from './context.ts'
import { CRM_ERRORS } from './errors.ts'
import { API_ORIGIN, ASSOCIATION_TYPE_IDS, OBJECT_TYPES, type ObjectType, PAGING, SCOPES } from './facts.ts'
import { type Answer, jsonObject, listParam } from './http.ts'
import { objectTypeOf, renderRecord } from './render.ts'
import { search } from './search.ts'
import type { CrmRecord } from './store.ts'
import { checkedWrite } from './writes.ts'

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [])

function readShape(context: ApiContext, type: ObjectType, query: URLSearchParams) {
  const associations = listParam(query, 'associations').map(objectTypeOf)
  for (const toType of associations) requireScopes(context, SCOPES.read[toType])
  return {
    properties: listParam(query, 'properties'),
    propertiesWithHistory: listParam(query, 'propertiesWithHistory'),
    ...(associations.length > 0 ? { associations } : {}),
    archived: query.get('archived') === 'true',
    type,
  }
}

/** A record by id, or by a unique property (`idProperty`). */
function find(context: ApiContext, type: ObjectType, id: string, idProperty: string | null, archived: boolean) {
  if (!idProperty || idProperty === 'hs_object_id') return context.store.get(type, id, archived)
  const def = context.schema.property(type, idProperty)
  if (!def?.hasUniqueValue) throw CRM_ERRORS.invalid(`${idProperty} is not a unique property of ${type}`)
  return context.store.all(type, archived).find((record) => record.values.get(idProperty) === id)
}

/** Associations given with a create [I `PublicAssociationsForObject`]. */
function linkCreated(context: ApiContext, record: CrmRecord, input: unknown): void {
  for (const entry of Array.isArray(input) ? input : []) {
    const toId = String((entry as { to?: { id?: unknown } })?.to?.id ?? '')
    const types = ((entry as { types?: unknown[] })?.types ?? []).map((spec) =>
      Number((spec as { associationTypeId?: unknown })?.associationTypeId),
    )
    // HubSpot knows the target's type from the association type id; an unknown id: the type holding the record.
    const byTypeId = Object.entries(ASSOCIATION_TYPE_IDS)
      .find(([pair, typeId]) => pair.startsWith(`${record.type}:`) && types.includes(typeId))?.[0]
      .split(':')[1] as ObjectType | undefined
    const toType = byTypeId ?? (Object.keys(OBJECT_TYPES) as ObjectType[]).find((type) => context.store.get(type, toId))
    if (!toType || !context.store.get(toType, toId))
      throw CRM_ERRORS.invalid(`Association target ${toId} does not exist`)
    context.store.associate(record.type, record.id, toType, toId, types.length > 0 ? types : undefined)
  }
}

/**
 * Answers `/crm/v3/objects/{type}/…`.
 *
 * @throws {HubSpotError} HubSpot's 4xx answers
 * @example
 * ```ts
 * const answer = routeObjects(context, request) // request.segments: ['crm', 'v3', 'objects', 'invoices', '123']
 * ```
 */
export function routeObjects(context: ApiContext, request: ApiRequest): Answer {
  const [, , , typeName = '', id, action] = request.segments
  const type = objectTypeOf(typeName)
  const { method, url } = request
  const { store, schema } = context
  const read = () => requireScopes(context, SCOPES.read[type])
  const write = () => requireScopes(context, SCOPES.write[type])
  if (id === undefined) {
    if (method === 'GET') {
      read()
      const shape = readShape(context, type, url.searchParams)
      const limit = Number(url.searchParams.get('limit') ?? PAGING.listDefault)
      if (!Number.isInteger(limit) || limit < 1 || limit > PAGING.listMax) {
        throw CRM_ERRORS.invalid(`limit must be between 1 and ${PAGING.listMax}`)
      }
      const after = url.searchParams.get('after')
      const all = store.all(type, shape.archived).filter((record) => !after || Number(record.id) >= Number(after))
      const next = all[limit]
      return {
        status: 200,
        json: {
          results: all.slice(0, limit).map((record) => renderRecord(store, schema, record, shape)),
          ...(next
            ? { paging: { next: { after: next.id, link: `${API_ORIGIN}/crm/v3/objects/${type}?after=${next.id}` } } }
            : {}),
        },
      }
    }
    if (method === 'POST') {
      write()
      const input = jsonObject(request.body)
      const values = checkedWrite(context, type, input.properties ?? {})
      if (type === 'invoices') {
        values.hs_invoice_status ??= 'draft'
        values.hs_number = context.nextInvoiceNumber()
      }
      const record = store.create(type, values, 'API')
      linkCreated(context, record, input.associations)
      return { status: 201, json: renderRecord(store, schema, record, { properties: Object.keys(values) }) }
    }
    throw CRM_ERRORS.methodNotAllowed()
  }
  if (id === 'search' && action === undefined && method === 'POST') {
    read()
    const body = jsonObject(request.body)
    const page = search(store, schema, type, body, { now: context.clock.now().getTime(), lagMs: context.searchLagMs })
    return {
      status: 200,
      json: {
        total: page.total,
        results: page.records.map((record) => renderRecord(store, schema, record, { properties: page.properties })),
        ...(page.next !== undefined ? { paging: { next: { after: String(page.next) } } } : {}),
      },
    }
  }
  if (id === 'batch' && action === 'read' && method === 'POST') {
    read()
    const body = jsonObject(request.body)
    const inputs = Array.isArray(body.inputs) ? body.inputs : []
    if (inputs.length > PAGING.batchMax) throw CRM_ERRORS.invalid(`At most ${PAGING.batchMax} inputs per batch`)
    const started = context.clock.now().toISOString()
    const idProperty = typeof body.idProperty === 'string' ? body.idProperty : null
    const archived = url.searchParams.get('archived') === 'true'
    const wanted = inputs.map((input) => String((input as { id?: unknown })?.id ?? ''))
    const found = wanted.map((want) => find(context, type, want, idProperty, archived))
    const missing = wanted.filter((_, index) => !found[index])
    const shape = {
      properties: stringList(body.properties),
      propertiesWithHistory: stringList(body.propertiesWithHistory),
    }
    const results = found
      .filter((record) => record !== undefined)
      .map((record) => renderRecord(store, schema, record, shape))
    const completed = context.clock.now().toISOString()
    if (missing.length === 0) {
      return { status: 200, json: { status: 'COMPLETE', results, startedAt: started, completedAt: completed } }
    }
    // VERIFY the wording; the 207 shape is the index's BatchResponseSimplePublicObjectWithErrors.
    const label = OBJECT_TYPES[type].label
    const error = {
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      message: `Could not get some ${label} objects, they may be deleted or not exist. Check that ids are valid.`,
      context: { ids: missing },
      errors: [],
      links: {},
    }
    return {
      status: 207,
      json: { status: 'COMPLETE', results, numErrors: 1, errors: [error], startedAt: started, completedAt: completed },
    }
  }
  if (action !== undefined) throw CRM_ERRORS.notFound()
  const query = url.searchParams
  if (method === 'GET') {
    read()
    const shape = readShape(context, type, query)
    const record = find(context, type, id, query.get('idProperty'), shape.archived)
    if (!record) throw CRM_ERRORS.notFound()
    return { status: 200, json: renderRecord(store, schema, record, shape) }
  }
  if (method === 'PATCH') {
    write()
    const record = find(context, type, id, query.get('idProperty'), false)
    if (!record) throw CRM_ERRORS.notFound()
    const input = jsonObject(request.body)
    const values = checkedWrite(context, type, input.properties, record)
    store.update(type, record.id, values, 'API')
    return { status: 200, json: renderRecord(store, schema, record, { properties: Object.keys(values) }) }
  }
  if (method === 'DELETE') {
    write()
    if (!store.archive(type, id)) throw CRM_ERRORS.notFound()
    return { status: 204 }
  }
  throw CRM_ERRORS.methodNotAllowed()
}
