/**
 * Test support: checks the fake source's answers (and what clients send it) against `openapi.json` with ajv
 * (JSON Schema 2020-12, as OpenAPI 3.1 uses it; formats checked), so that the fake, the document and the
 * connector's default expressions cannot drift apart unnoticed.
 *
 * @module
 */
import { readFileSync } from 'node:fs'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import formatsModule from 'ajv-formats'

type Json = Record<string, unknown>

// ajv-formats is CommonJS with a default export: Node hands it over as the module object.
const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as (
  ajv: Ajv2020,
) => Ajv2020

/** The OpenAPI document of the fake source. */
export const OPENAPI = JSON.parse(readFileSync(new URL('./openapi.json', import.meta.url), 'utf8')) as Json
const BASE = 'erp.json'
const components = OPENAPI.components as { schemas: Json; responses: Record<string, Json> }

function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewrite)
  if (!node || typeof node !== 'object') return node
  return Object.fromEntries(
    Object.entries(node as Json).map(([key, value]) =>
      key === '$ref' && typeof value === 'string'
        ? [key, value.replace('#/components/schemas/', `${BASE}#/$defs/`)]
        : [key, rewrite(value)],
    ),
  )
}

const ajv = new Ajv2020({ strict: false, allErrors: true })
addFormats(ajv)
ajv.addSchema({ $id: BASE, $defs: rewrite(components.schemas) })
const compiled = new Map<string, ValidateFunction>()

function validatorOf(key: string, schema: unknown): ValidateFunction {
  let validate = compiled.get(key)
  if (!validate) {
    validate = ajv.compile(rewrite(schema) as object)
    compiled.set(key, validate)
  }
  return validate
}

function errorsOf(validate: ValidateFunction): string[] {
  return (validate.errors ?? []).map((error) => `${error.instancePath || '(body)'} ${error.message ?? ''}`)
}

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
  const operation = (OPENAPI.paths as Record<string, Record<string, Json>>)[template]?.[method.toLowerCase()]
  if (!operation) return [`${method} ${template} is not documented`]
  let response = (operation.responses as Record<string, Json | undefined>)[String(status)]
  if (!response) return [`${method} ${template} does not document status ${status}`]
  if (typeof response.$ref === 'string')
    response = components.responses[response.$ref.split('/').at(-1) as string] as Json
  const problems: string[] = []
  for (const [name, header] of Object.entries((response.headers ?? {}) as Record<string, Json>)) {
    const value = headers.get(name)
    if (header.required && value === null) problems.push(`header ${name} is missing`)
    else if (value !== null) {
      const validate = validatorOf(`header ${name} ${JSON.stringify(header.schema)}`, header.schema)
      if (!validate(value)) problems.push(...errorsOf(validate).map((error) => `header ${name}: ${error}`))
    }
  }
  const content = response.content as Record<string, { schema: unknown }> | undefined
  const media = (headers.get('content-type') ?? '').split(';')[0]?.trim() ?? ''
  const schema = content?.[media]?.schema
  if (!schema) return [...problems, `content type "${media}" is not documented for ${status}`]
  const validate = validatorOf(`${method} ${template} ${status}`, schema)
  if (!validate(body)) problems.push(...errorsOf(validate))
  return problems
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
  if (!(name in components.schemas)) return [`no schema ${name}`]
  const validate = validatorOf(`schema ${name}`, { $ref: `#/components/schemas/${name}` })
  return validate(value) ? [] : errorsOf(validate)
}
