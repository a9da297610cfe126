import { describe, expect, it } from 'vitest'
import { type OpenApiDocument, openApiCheck } from './openapi.ts'

const error = { type: 'object', required: ['error'], properties: { error: { type: 'object' } } }

/** A 3.0 document in the shapes vendors write: OData keys in paths, `nullable`, draft-4 bounds, shared errors. */
const v30: OpenApiDocument = {
  openapi: '3.0.3',
  paths: {
    '/companies({companyId})/invoices': {
      get: {
        responses: {
          '200': {
            description: 'OK',
            headers: { 'Retry-After': { required: false, schema: { type: 'integer' } } },
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { value: { type: 'array', items: { $ref: '#/components/schemas/invoice' } } },
                },
              },
            },
          },
          default: { $ref: '#/components/responses/Error' },
        },
      },
      post: {
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/invoice' } } } },
        responses: { '201': { description: 'Created' } },
      },
    },
    '/companies({companyId})/invoices/summary': { get: { responses: { '200': { description: 'OK' } } } },
    "/subscriptions('{subscriptionId}')": {
      delete: {
        responses: {
          '204': { description: 'No Content' },
          '429': { description: 'limited', headers: { 'Retry-After': { required: true, schema: { type: 'string' } } } },
        },
      },
    },
  },
  components: {
    responses: { Error: { description: 'error', content: { 'application/json': { schema: error } } } },
    schemas: {
      invoice: {
        type: 'object',
        required: ['id'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          note: { type: 'string', nullable: true },
          status: { type: 'string', enum: ['Draft', 'Open'], nullable: true },
          total: { type: 'number', minimum: 0, exclusiveMinimum: true },
          customer: { allOf: [{ $ref: '#/components/schemas/customer' }], nullable: true },
        },
      },
      customer: { type: 'object', properties: { name: { type: 'string' } }, additionalProperties: false },
    },
  },
}

const id = '3fa85f64-5717-4562-b3fc-2c963f66afa6'

describe('openApiCheck on an OpenAPI 3.0 document', () => {
  const contract = openApiCheck(v30)

  it('finds the template of a concrete path, preferring a literal one', () => {
    expect(contract.templateOf('GET', `/companies(${id})/invoices`)).toBe('/companies({companyId})/invoices')
    expect(contract.templateOf('GET', `/companies(${id})/invoices/summary`)).toBe(
      '/companies({companyId})/invoices/summary',
    )
    expect(contract.templateOf('DELETE', "/subscriptions('abc123')")).toBe("/subscriptions('{subscriptionId}')")
    expect(contract.templateOf('DELETE', `/companies(${id})/invoices`)).toBeUndefined()
  })

  it('takes nullable as "or null", and a boolean exclusive bound as draft 4 meant it', () => {
    const body = { value: [{ id, note: null, status: null, total: 1, customer: null }] }
    expect(
      contract.responseProblems(
        'GET',
        '/companies({companyId})/invoices',
        200,
        new Headers({ 'content-type': 'application/json; charset=utf-8' }),
        body,
      ),
    ).toEqual([])
    const zero = { value: [{ id, total: 0, status: 'Paid', customer: { name: 'x', extra: 1 } }] }
    expect(
      contract.responseProblems(
        'GET',
        '/companies({companyId})/invoices',
        200,
        { 'content-type': 'application/json' },
        zero,
      ),
    ).toEqual([
      '/value/0/status must be equal to one of the allowed values',
      '/value/0/total must be > 0',
      '/value/0/customer must NOT have additional properties',
      '/value/0/customer must be null',
      '/value/0/customer must match a schema in anyOf',
    ])
  })

  it('checks formats, headers, the default response and undocumented answers', () => {
    const json = { 'content-type': 'application/json' }
    const path = '/companies({companyId})/invoices'
    expect(contract.responseProblems('GET', path, 200, json, { value: [{ id: 'not-a-uuid' }] })).toEqual([
      '/value/0/id must match format "uuid"',
    ])
    expect(contract.responseProblems('GET', path, 200, { ...json, 'retry-after': 'soon' }, { value: [] })).toEqual([
      'header Retry-After: (body) must be integer',
    ])
    expect(contract.responseProblems('GET', path, 404, json, { error: { code: 'BadRequest_NotFound' } })).toEqual([])
    expect(contract.responseProblems('GET', path, 404, json, { message: 'no' })).toEqual([
      "(body) must have required property 'error'",
    ])
    expect(contract.responseProblems('GET', path, 200, { 'content-type': 'text/html' }, '<html>')).toEqual([
      'content type "text/html" is not documented for 200',
    ])
    expect(contract.responseProblems('DELETE', "/subscriptions('{subscriptionId}')", 204, {}, undefined)).toEqual([])
    expect(contract.responseProblems('DELETE', "/subscriptions('{subscriptionId}')", 429, {}, undefined)).toEqual([
      'header Retry-After is missing',
    ])
    expect(contract.responseProblems('PUT', path, 200, json, {})).toEqual([`PUT ${path} is not documented`])
  })

  it('checks request bodies and single schemas', () => {
    const path = '/companies({companyId})/invoices'
    expect(contract.requestProblems('POST', path, { id, total: 5 })).toEqual([])
    expect(contract.requestProblems('POST', path, { total: 5 })).toEqual(["(body) must have required property 'id'"])
    expect(contract.requestProblems('POST', path, 'x', 'text/plain')).toEqual([
      `POST ${path} documents no "text/plain" request body`,
    ])
    expect(contract.schemaProblems('customer', { name: 'Volt' })).toEqual([])
    expect(contract.schemaProblems('customer', { name: 7 })).toEqual(['/name must be string'])
    expect(contract.schemaProblems('vendor', {})).toEqual(['no schema vendor'])
  })
})

describe('openApiCheck on an OpenAPI 3.1 document', () => {
  it('takes the schemas as JSON Schema 2020-12', () => {
    const contract = openApiCheck({
      openapi: '3.1.0',
      components: {
        schemas: {
          note: { type: ['string', 'null'], maxLength: 3 },
          list: { type: 'array', prefixItems: [{ type: 'integer' }], items: false },
        },
      },
    })
    expect(contract.schemaProblems('note', null)).toEqual([])
    expect(contract.schemaProblems('note', 'long')).toEqual(['(body) must NOT have more than 3 characters'])
    expect(contract.schemaProblems('list', [1])).toEqual([])
    expect(contract.schemaProblems('list', [1, 2])).toEqual(['(body) must NOT have more than 1 items'])
  })
})
