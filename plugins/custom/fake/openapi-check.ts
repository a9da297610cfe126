/**
 * Test support: checks the fake source's answers (and what clients send it) against `openapi.json` (OpenAPI 3.1,
 * formats checked) with the SDK's OpenAPI checks, so that the fake, the document and the connector's default
 * expressions cannot drift apart unnoticed.
 *
 * @module
 */
import { readFileSync } from 'node:fs'
import { type OpenApiDocument, openApiCheck } from '@ksef-hub/connector-sdk/testing/openapi'

/** The OpenAPI document of the fake source. */
export const OPENAPI = JSON.parse(readFileSync(new URL('./openapi.json', import.meta.url), 'utf8')) as OpenApiDocument

const contract = openApiCheck(OPENAPI)

/**
 * Problems of an answer against the documented response of an operation (empty: it conforms). Required headers
 * of the response are checked too.
 *
 * @example
 * ```ts
 * expect(responseProblems('GET', '/invoices', 200, response.headers, await response.json())).toEqual([])
 * ```
 */
export function responseProblems(
  method: string,
  template: string,
  status: number,
  headers: Headers,
  body: unknown,
): string[] {
  return contract.responseProblems(method, template, status, headers, body)
}

/**
 * Problems of a value against a schema of the document's components (a request body, a document).
 *
 * @example
 * ```ts
 * expect(schemaProblems('KsefPatch', body)).toEqual([])
 * ```
 */
export function schemaProblems(name: string, value: unknown): string[] {
  return contract.schemaProblems(name, value)
}
