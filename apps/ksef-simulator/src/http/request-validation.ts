/**
 * Request bodies are checked against the official schema of their operation, the way KSeF's validator does;
 * a mismatch is a 400 with code 21405 and the validator's messages as details.
 *
 * @module
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import formatsModule from 'ajv-formats'
import { parseKsefDateTime } from '../core/warsaw.ts'
import { ApiError } from '../errors/index.ts'
import { componentsDocument, findOperation, toJsonSchema } from './openapi.ts'

// ajv-formats is CommonJS with `exports.default`; under Node's ESM interop the plugin is one level down.
const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as unknown as (
  ajv: Ajv,
) => Ajv

const REF_BASE = 'ksef-request.json'
let ajv: Ajv | undefined
const validators = new Map<string, ValidateFunction>()

function instance(): Ajv {
  if (ajv) return ajv
  ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true })
  addFormats(ajv)
  // KSeF reads a date-time without an offset as Warsaw time, so requests may omit it.
  ajv.addFormat('date-time', { type: 'string', validate: (text: string) => parseKsefDateTime(text) !== undefined })
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 })
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) })
  ajv.addFormat('double', { type: 'number', validate: (n: number) => Number.isFinite(n) })
  ajv.addSchema(componentsDocument(REF_BASE))
  return ajv
}

function validatorFor(method: string, template: string): ValidateFunction | undefined {
  const key = `${method} ${template}`
  const known = validators.get(key)
  if (known) return known
  const operation = findOperation(method, template.replace(/\{[^}]+\}/g, 'x'))
  const schema = (operation?.raw.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined)
    ?.content?.['application/json']?.schema
  if (!schema) return undefined
  const validate = instance().compile(toJsonSchema(schema, REF_BASE) as object)
  validators.set(key, validate)
  return validate
}

function describe(error: ErrorObject): string {
  const where = error.instancePath ? error.instancePath.slice(1).replaceAll('/', '.') : 'body'
  const extra =
    error.keyword === 'enum'
      ? `: ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`
      : error.keyword === 'additionalProperties'
        ? `: ${(error.params as { additionalProperty: string }).additionalProperty}`
        : ''
  return `${where} ${error.message ?? 'is invalid'}${extra}`
}

/**
 * Checks a parsed JSON body against the request schema of `METHOD /template`.
 *
 * @throws {@link ApiError} 21405 with one detail per violation.
 * @example
 * ```ts
 * const body = validateRequestBody('POST', '/sessions/online', json) as OpenOnlineSessionRequest
 * ```
 */
export function validateRequestBody(method: string, template: string, body: unknown): unknown {
  const validate = validatorFor(method, template)
  if (!validate) throw new Error(`no request schema for ${method} ${template}`)
  if (!validate(body)) {
    const details = [...new Set((validate.errors ?? []).map(describe))].slice(0, 20)
    throw ApiError.badRequest(21405, ...details)
  }
  return body
}
