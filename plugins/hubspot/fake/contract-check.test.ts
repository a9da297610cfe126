import { describe, expect, it } from 'vitest'
import { contractProblems, endpointOf, requestProblems } from './contract-check.ts'
import { indexChecker, parseType } from './index-check.ts'

// Samples written by hand from the index's schemas (not from the fake), so the checker is tested on its own.
const object = {
  id: '512',
  properties: { hs_number: 'FV/1', hs_comments: null },
  createdAt: '2026-11-20T10:15:00.000Z',
  updatedAt: '2026-11-20T10:15:00Z',
  archived: false,
}
const json = 'application/json;charset=utf-8'

describe('the index type grammar', () => {
  it('reads required marks, arrays, enums, formats and maps', () => {
    expect(parseType('string enum[draft|open]!')).toEqual({
      required: true,
      array: false,
      base: 'string',
      values: ['draft', 'open'],
    })
    expect(parseType('integer(int32)')).toEqual({ required: false, array: false, base: 'integer', format: 'int32' })
    expect(parseType('Property[]!')).toEqual({ required: true, array: true, base: 'Property' })
    expect(parseType('map<string,ValueWithTimestamp[]>')).toMatchObject({ base: 'map', mapOf: 'ValueWithTimestamp[]' })
  })

  it('finds each kind of departure, and nothing in a conforming value', () => {
    const check = indexChecker(
      {
        Thing: {
          id: 'string!',
          count: 'integer(int32)',
          at: 'string(date-time)',
          kind: 'string enum[a|b]',
          tags: 'string[]',
        },
      },
      { extraFields: {}, nullableMapValues: [] },
    )
    expect(check.problems('Thing', { id: 'x', count: 3, at: '2026-01-01T00:00:00Z', kind: 'a', tags: ['t'] })).toEqual(
      [],
    )
    expect(check.problems('Thing', { count: 2 ** 31 })).toEqual([
      'Thing.id: required by Thing, missing',
      'Thing.count: expected an int32, got number 2147483648',
    ])
    expect(check.problems('Thing', { id: 1, at: '2026-01-01', kind: 'c', tags: 'x', extra: true })).toEqual([
      'Thing.id: expected a string, got number 1',
      'Thing.at: expected an ISO 8601 date-time, got string "2026-01-01"',
      'Thing.kind: "c" is not one of a|b',
      'Thing.tags: expected an array, got string',
      'Thing.extra: Thing has no field "extra"',
    ])
  })
})

describe('answers against the index', () => {
  it('takes a conforming object, with null only where the SDK models nullable values', () => {
    expect(contractProblems('GET', '/crm/v3/objects/invoices/512', 200, json, object)).toEqual([])
    const noNulls = { ...object, updatedAt: 'yesterday', properties: { hs_number: 7 } }
    expect(contractProblems('GET', '/crm/v3/objects/invoices/512', 200, json, noNulls)).toEqual([
      'SimplePublicObjectWithAssociations.properties.hs_number: expected a string, got number 7',
      'SimplePublicObjectWithAssociations.updatedAt: expected an ISO 8601 date-time, got string "yesterday"',
    ])
    const search = { total: 1, results: [object], paging: { next: { after: '1' } } }
    expect(contractProblems('POST', '/crm/v3/objects/invoices/search', 200, json, search)).toEqual([])
    expect(contractProblems('POST', '/crm/v3/objects/invoices/search', 200, json, { results: [] })).toEqual([
      'CollectionResponseWithTotalSimplePublicObject.total: required by CollectionResponseWithTotalSimplePublicObject, missing',
    ])
  })

  it('refuses undocumented statuses, bodies where none is documented, and unknown paths', () => {
    expect(contractProblems('GET', '/crm/v3/objects/invoices/512', 200, 'text/html', '<html/>')).toEqual([
      '200: expected application/json, got "text/html"',
    ])
    expect(contractProblems('DELETE', '/crm/v3/objects/invoices/512', 204, '', { id: 1 })).toEqual([
      '204 documents no body',
    ])
    expect(contractProblems('GET', '/crm/v3/invoices', 200, json, {})).toEqual([
      'GET /crm/v3/invoices is not in the index',
    ])
  })

  it('checks errors as the index`s Error (plus HubSpot`s status), 429s and token errors as the supplement says', () => {
    const error = {
      status: 'error',
      message: 'resource not found',
      correlationId: 'aeb5f871-7f07-4993-9211-075dc63e7cbf',
      category: 'OBJECT_NOT_FOUND',
    }
    expect(contractProblems('GET', '/crm/v3/objects/invoices/9', 404, json, error)).toEqual([])
    expect(contractProblems('GET', '/crm/v3/objects/invoices/9', 404, json, { ...error, category: undefined })).toEqual(
      ['Error.category: expected a string, got undefined undefined'],
    )
    const limited = {
      status: 'error',
      message: 'x',
      errorType: 'RATE_LIMIT',
      correlationId: error.correlationId,
      policyName: 'DAILY',
    }
    expect(contractProblems('POST', '/crm/v3/objects/invoices/search', 429, json, limited)).toEqual([])
    expect(contractProblems('POST', '/crm/v3/objects/invoices/search', 429, json, error)).toHaveLength(3)
    expect(
      contractProblems('POST', '/oauth/v1/token', 400, json, { status: 'BAD_REFRESH_TOKEN', message: 'm' }),
    ).toEqual([])
  })

  it('prefers the endpoint with the most literal segments, and checks request bodies', () => {
    expect(endpointOf('PUT', '/crm/v4/objects/notes/1/associations/default/invoices/2')?.path).toBe(
      '/crm/v4/objects/{fromObjectType}/{fromObjectId}/associations/default/{toObjectType}/{toObjectId}',
    )
    expect(endpointOf('GET', '/files/v3/files/search')?.path).toBe('/files/v3/files/search')
    expect(requestProblems('PATCH', '/crm/v3/objects/invoices/1', { properties: { ksef_number: 'x' } })).toEqual([])
    expect(requestProblems('PATCH', '/crm/v3/objects/invoices/1', { props: {} })).toEqual([
      'SimplePublicObjectInput.properties: required by SimplePublicObjectInput, missing',
      'SimplePublicObjectInput.props: SimplePublicObjectInput has no field "props"',
    ])
  })
})
