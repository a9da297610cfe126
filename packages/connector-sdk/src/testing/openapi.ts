/**
 * `@ksef-hub/connector-sdk/testing/openapi`: checks a fake's answers (and what clients send it) against the
 * vendor's OpenAPI document, so that a fake cannot drift from the contract it imitates unnoticed. The component
 * schemas are compiled once with ajv (JSON Schema 2020-12, formats checked); OpenAPI 3.1 schemas are 2020-12
 * already, and 3.0 schemas are rewritten first (`nullable`, the boolean `exclusiveMinimum`/`exclusiveMaximum`).
 *
 * @module
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import formatsModule from 'ajv-formats'

type Json = Record<string, unknown>

/** An OpenAPI document, parsed (JSON, or YAML read by the caller). */
export interface OpenApiDocument {
  readonly openapi: string
  readonly paths?: Readonly<Record<string, unknown>>
  readonly components?: Readonly<Record<string, unknown>>
}

/** Headers of an answer: fetch's `Headers`, or a plain record with lower-case names. */
export type HeadersLike = Headers | Readonly<Record<string, string | undefined>>

/** The checks of one document. Every check returns its problems; an empty list means "conforms". */
export interface OpenApiCheck {
  /** The path template of the document (`/invoices/{id}`) that a concrete path matches, for `method`. */
  templateOf(method: string, path: string): string | undefined
  /** Problems of an answer against the documented response of an operation (headers it requires included). */
  responseProblems(method: string, template: string, status: number, headers: HeadersLike, body: unknown): string[]
  /** Problems of a request body against the operation's documented request body (JSON media types). */
  requestProblems(method: string, template: string, body: unknown, contentType?: string): string[]
  /** Problems of a value against a schema of the document's components. */
  schemaProblems(name: string, value: unknown): string[]
}

// ajv-formats is CommonJS with a default export: Node hands it over as the module object.
const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as (
  ajv: Ajv2020,
) => Ajv2020

const BASE = 'openapi-components.json'

/** Rewrites an OpenAPI 3.0 schema object into JSON Schema 2020-12, which ajv compiles. */
function fromOpenApi30(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fromOpenApi30)
  if (!node || typeof node !== 'object') return node
  const { nullable, ...rest } = node as Json
  const schema: Json = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, fromOpenApi30(value)]))
  // Draft 4's boolean exclusive bounds (allowed by 3.0) are numbers in 2020-12.
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof schema[flag] === 'boolean') {
      if (schema[flag] === true && typeof schema[bound] === 'number') {
        schema[flag] = schema[bound]
        delete schema[bound]
      } else delete schema[flag]
    }
  }
  if (nullable !== true) return schema
  if (typeof schema.type === 'string') {
    const nullableSchema: Json = { ...schema, type: [schema.type, 'null'] }
    if (Array.isArray(schema.enum)) nullableSchema.enum = [...schema.enum, null]
    return nullableSchema
  }
  return { anyOf: [schema, { type: 'null' }] }
}

function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs)
  if (!node || typeof node !== 'object') return node
  return Object.fromEntries(
    Object.entries(node as Json).map(([key, value]) =>
      key === '$ref' && typeof value === 'string'
        ? [key, value.replace('#/components/schemas/', `${BASE}#/$defs/`)]
        : [key, rewriteRefs(value)],
    ),
  )
}

function headerOf(headers: HeadersLike, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined
  return headers[name.toLowerCase()] ?? undefined
}

function templatePattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&')
  return new RegExp(`^${escaped.replace(/\{[^}]+\}/g, '([^/]+?)')}$`)
}

/**
 * Compiles a document's component schemas and returns its checks.
 *
 * @example
 * ```ts
 * const contract = openApiCheck(JSON.parse(readFileSync('openapi.json', 'utf8')))
 * const template = contract.templateOf('GET', '/invoices/inv-1') // '/invoices/{id}'
 * expect(contract.responseProblems('GET', template!, 200, response.headers, await response.json())).toEqual([])
 * ```
 */
export function openApiCheck(document: OpenApiDocument): OpenApiCheck {
  const version30 = document.openapi.startsWith('3.0')
  const convert = (schema: unknown) => rewriteRefs(version30 ? fromOpenApi30(schema) : schema)
  const components = (document.components ?? {}) as { schemas?: Json; responses?: Record<string, Json> }
  const schemas = components.schemas ?? {}
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  addFormats(ajv)
  ajv.addSchema({ $id: BASE, $defs: convert(schemas) })
  const compiled = new Map<string, ValidateFunction>()
  const validatorOf = (key: string, schema: unknown): ValidateFunction => {
    let validate = compiled.get(key)
    if (!validate) {
      validate = ajv.compile(convert(schema) as object)
      compiled.set(key, validate)
    }
    return validate
  }
  const errorsOf = (validate: ValidateFunction): string[] =>
    (validate.errors ?? []).map((error) => `${error.instancePath || '(body)'} ${error.message ?? ''}`)
  const paths = (document.paths ?? {}) as Record<string, Record<string, Json>>
  const patterns = Object.keys(paths).map((template) => ({ template, pattern: templatePattern(template) }))
  const operationOf = (method: string, template: string) => paths[template]?.[method.toLowerCase()]
  const mediaOf = (contentType: string) => contentType.split(';')[0]?.trim().toLowerCase() ?? ''

  return {
    templateOf(method, path) {
      // A literal template wins over one with parameters that also matches (`/invoices/search` over `/invoices/{id}`).
      const matches = patterns.filter(({ template, pattern }) => pattern.test(path) && operationOf(method, template))
      return (matches.find(({ template }) => !template.includes('{')) ?? matches[0])?.template
    },
    responseProblems(method, template, status, headers, body) {
      const operation = operationOf(method, template)
      if (!operation) return [`${method} ${template} is not documented`]
      const responses = operation.responses as Record<string, Json | undefined>
      let response = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default
      if (!response) return [`${method} ${template} does not document status ${status}`]
      if (typeof response.$ref === 'string') response = components.responses?.[response.$ref.split('/').at(-1) ?? '']
      if (!response) return [`${method} ${template}: a response $ref does not resolve`]
      const problems: string[] = []
      for (const [name, header] of Object.entries((response.headers ?? {}) as Record<string, Json>)) {
        const value = headerOf(headers, name)
        if (header.required && value === undefined) problems.push(`header ${name} is missing`)
        else if (value !== undefined && header.schema) {
          const validate = validatorOf(`header ${name} ${JSON.stringify(header.schema)}`, header.schema)
          if (!validate(value)) problems.push(...errorsOf(validate).map((error) => `header ${name}: ${error}`))
        }
      }
      const content = response.content as Record<string, { schema?: unknown }> | undefined
      if (!content) return body === undefined || body === '' ? problems : [...problems, `${status} documents no body`]
      const media = mediaOf(headerOf(headers, 'content-type') ?? '')
      const entry = content[media]
      if (!entry) return [...problems, `content type "${media}" is not documented for ${status}`]
      if (!entry.schema || !media.includes('json')) return problems
      const validate = validatorOf(`${method} ${template} ${status} ${media}`, entry.schema)
      if (!validate(body)) problems.push(...errorsOf(validate))
      return problems
    },
    requestProblems(method, template, body, contentType = 'application/json') {
      const operation = operationOf(method, template)
      if (!operation) return [`${method} ${template} is not documented`]
      const requestBody = operation.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined
      const entry = requestBody?.content?.[mediaOf(contentType)]
      if (!entry) return [`${method} ${template} documents no "${mediaOf(contentType)}" request body`]
      if (!entry.schema) return []
      const validate = validatorOf(`request ${method} ${template} ${mediaOf(contentType)}`, entry.schema)
      return validate(body) ? [] : errorsOf(validate)
    },
    schemaProblems(name, value) {
      if (!(name in schemas)) return [`no schema ${name}`]
      const validate = validatorOf(`schema ${name}`, { $ref: `#/components/schemas/${name}` })
      return validate(value) ? [] : errorsOf(validate)
    },
  }
}
