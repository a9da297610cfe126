/**
 * Test support: validates response bodies against the official OpenAPI (`spec/ksef-api-v2-openapi.json`) with
 * ajv, using the response schema of the operation, status code and content type. OpenAPI 3.0's `nullable` is
 * turned into a `null` alternative first; formats are checked strictly (date-time needs an offset).
 *
 * @module
 */
import { readFileSync } from 'node:fs'
import { Ajv, type ValidateFunction } from 'ajv'
import formatsModule from 'ajv-formats'

type Json = Record<string, unknown>

const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as unknown as (
  ajv: Ajv,
) => Ajv
const SPEC = JSON.parse(readFileSync(new URL('../../spec/ksef-api-v2-openapi.json', import.meta.url), 'utf8')) as Json
const BASE = 'ksef-response.json'

function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert)
  if (!node || typeof node !== 'object') return node
  const source = node as Json
  const out: Json = {}
  for (const [key, value] of Object.entries(source)) {
    if (key === 'example' || key === 'examples' || key === 'nullable') continue
    if (key === '$ref' && typeof value === 'string')
      out.$ref = value.replace('#/components/schemas/', `${BASE}#/definitions/`)
    else if (key === 'properties')
      out.properties = Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, convert(v)]))
    else out[key] = convert(value)
  }
  if (source.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null']
    else return { anyOf: [out, { type: 'null' }] }
  }
  return out
}

const ajv = new Ajv({ strict: false, allErrors: true })
addFormats(ajv)
ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 })
ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) })
ajv.addFormat('double', { type: 'number', validate: (n: number) => Number.isFinite(n) })
ajv.addSchema({ $id: BASE, definitions: convert((SPEC.components as Json).schemas) })

const templates = Object.keys(SPEC.paths as Json)
  .map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    params: (template.match(/\{/g) ?? []).length,
  }))
  .sort((a, b) => a.params - b.params)
const compiled = new Map<string, ValidateFunction>()

/** The outcome of validating one response. */
export type ResponseCheck =
  | { kind: 'valid'; operation: string }
  | { kind: 'invalid'; operation: string; errors: string[] }
  | { kind: 'undocumented'; operation: string; reason: string }

/**
 * Validates one response body against the spec.
 *
 * @example
 * ```ts
 * checkResponse('GET', '/sessions/20260101-SO-...', 200, 'application/json', body)
 * ```
 */
export function checkResponse(
  method: string,
  path: string,
  status: number,
  contentType: string,
  body: unknown,
): ResponseCheck {
  const lower = method.toLowerCase()
  const match = templates.find(
    (t) => t.pattern.test(path) && (SPEC.paths as Record<string, Json>)[t.template]?.[lower] !== undefined,
  )
  const operation = `${method.toUpperCase()} ${match?.template ?? path}`
  if (!match) return { kind: 'undocumented', operation, reason: 'no such operation in the spec' }
  const op = (SPEC.paths as Record<string, Record<string, Json>>)[match.template]?.[lower] as Json
  const response = (op.responses as Record<string, Json | undefined>)[String(status)]
  if (!response) return { kind: 'undocumented', operation, reason: `status ${status} is not documented` }
  const media = contentType.split(';')[0]?.trim() ?? ''
  const content = response.content as Record<string, { schema?: unknown }> | undefined
  if (!content) {
    return body === undefined
      ? { kind: 'valid', operation }
      : { kind: 'undocumented', operation, reason: 'body on a response without content' }
  }
  const schema = content[media]?.schema
  if (!schema)
    return { kind: 'undocumented', operation, reason: `content type ${media} is not documented for ${status}` }
  const key = `${operation} ${status} ${media}`
  let validate = compiled.get(key)
  if (!validate) {
    validate = ajv.compile(convert(schema) as object)
    compiled.set(key, validate)
  }
  if (validate(body)) return { kind: 'valid', operation }
  return {
    kind: 'invalid',
    operation,
    errors: (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}`),
  }
}
