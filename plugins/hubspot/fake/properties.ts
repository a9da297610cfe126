/**
 * The Properties API [I `properties`] [R (c)]: list a type's properties, read one, create one (409 when the name
 * exists, so a connector creates its properties once), and the same for property groups. Scopes: the object's
 * read or write scope, or its schema scope (VERIFY which HubSpot wants).
 *
 * @module
 */
import type { PropertyType } from './catalog.ts'
import { type ApiContext, type ApiRequest, requireScopes } from './context.ts'
import { CRM_ERRORS } from './errors.ts'
import { SCOPES } from './facts.ts'
import { type Answer, jsonObject } from './http.ts'
import { objectTypeOf } from './render.ts'
import { groupJson, propertyJson } from './schema.ts'

const TYPES: readonly PropertyType[] = ['string', 'number', 'date', 'datetime', 'enumeration', 'bool', 'phone_number']

function required(input: Record<string, unknown>, names: readonly string[]): void {
  const missing = names.filter((name) => typeof input[name] !== 'string' || input[name] === '')
  if (missing.length > 0) {
    throw CRM_ERRORS.invalid(
      `Missing required fields: ${missing.join(', ')}`,
      missing.map((name) => ({ message: `${name} is required`, in: name, code: 'REQUIRED_FIELD' })),
    )
  }
}

/**
 * Answers `/crm/v3/properties/{objectType}/…`.
 *
 * @throws {HubSpotError} HubSpot's 4xx answers
 * @example
 * ```ts
 * routeProperties(context, request) // POST /crm/v3/properties/invoices
 * ```
 */
export function routeProperties(context: ApiContext, request: ApiRequest): Answer {
  const [, , , typeName = '', name, groupName] = request.segments
  const type = objectTypeOf(typeName)
  const { schema } = context
  const read = () => requireScopes(context, [...SCOPES.read[type], ...SCOPES.schemaRead(type)])
  const write = () => requireScopes(context, [...SCOPES.write[type], ...SCOPES.schemaWrite(type)])
  const method = request.method
  if (name === 'groups') {
    if (groupName !== undefined) {
      if (method !== 'GET') throw CRM_ERRORS.methodNotAllowed()
      read()
      const group = schema.group(type, groupName)
      if (!group) throw CRM_ERRORS.notFound()
      return { status: 200, json: groupJson(group) }
    }
    if (method === 'GET') {
      read()
      return { status: 200, json: { results: schema.groups(type).map(groupJson) } }
    }
    if (method !== 'POST') throw CRM_ERRORS.methodNotAllowed()
    write()
    const input = jsonObject(request.body)
    required(input, ['name', 'label'])
    const group = schema.createGroup(type, {
      name: String(input.name),
      label: String(input.label),
      ...(typeof input.displayOrder === 'number' ? { displayOrder: input.displayOrder } : {}),
    })
    return { status: 201, json: groupJson(group) }
  }
  if (name !== undefined) {
    if (method !== 'GET' || groupName !== undefined) throw CRM_ERRORS.methodNotAllowed()
    read()
    const def = schema.property(type, name)
    if (!def) throw CRM_ERRORS.notFound()
    return { status: 200, json: propertyJson(def) }
  }
  if (method === 'GET') {
    read()
    return { status: 200, json: { results: schema.properties(type).map(propertyJson) } }
  }
  if (method !== 'POST') throw CRM_ERRORS.methodNotAllowed()
  write()
  const input = jsonObject(request.body)
  required(input, ['name', 'label', 'type', 'fieldType', 'groupName'])
  if (!TYPES.includes(input.type as PropertyType)) {
    throw CRM_ERRORS.invalid(`type must be one of ${TYPES.join(', ')}`)
  }
  const options = Array.isArray(input.options)
    ? input.options.map((option: Record<string, unknown>, index) => ({
        label: String(option?.label ?? option?.value ?? ''),
        value: String(option?.value ?? ''),
        hidden: option?.hidden === true,
        displayOrder: typeof option?.displayOrder === 'number' ? option.displayOrder : index,
      }))
    : []
  const def = schema.createProperty(
    type,
    {
      name: String(input.name),
      label: String(input.label),
      type: input.type as PropertyType,
      fieldType: String(input.fieldType),
      groupName: String(input.groupName),
      ...(typeof input.description === 'string' ? { description: input.description } : {}),
      ...(typeof input.hasUniqueValue === 'boolean' ? { hasUniqueValue: input.hasUniqueValue } : {}),
      ...(typeof input.displayOrder === 'number' ? { displayOrder: input.displayOrder } : {}),
      options,
    },
    context.clock.now(),
  )
  return { status: 201, json: propertyJson(def) }
}
