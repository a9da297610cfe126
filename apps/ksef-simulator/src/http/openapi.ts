/**
 * The official OpenAPI of KSeF API v2 (a verbatim copy in `spec/`), loaded once: its operations (path templates,
 * `x-rate-limits`) and its schemas as JSON Schema for ajv.
 *
 * OpenAPI 3.0 schemas are not quite JSON Schema: `nullable: true` is turned into a `null` alternative here
 * (including on `allOf` references, which generic converters drop).
 *
 * @module
 */
import { readFileSync } from 'node:fs'

/** The `x-rate-limits` of an operation (missing windows are unlimited). */
export interface RateLimitValues {
  readonly perSecond: number
  readonly perMinute?: number
  readonly perHour?: number
}

/** One operation of the spec. */
export interface SpecOperation {
  /** `POST /sessions/online/{referenceNumber}/invoices` */
  readonly id: string
  readonly method: string
  readonly template: string
  readonly pattern: RegExp
  readonly rateLimits: RateLimitValues | undefined
  /** Whether the operation needs a bearer token. */
  readonly secured: boolean
  /** The raw OpenAPI operation object. */
  readonly raw: Record<string, unknown>
}

type Json = Record<string, unknown>

let cached: { spec: Json; operations: SpecOperation[] } | undefined

/** The path of the copy of the official spec. */
export const SPEC_FILE = new URL('../../spec/ksef-api-v2-openapi.json', import.meta.url)

function load(): { spec: Json; operations: SpecOperation[] } {
  if (cached) return cached
  const spec = JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as Json
  const operations: SpecOperation[] = []
  for (const [template, item] of Object.entries(spec.paths as Record<string, Json>)) {
    for (const [method, raw] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'delete', 'patch'].includes(method)) continue
      const operation = raw as Json
      const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '([^/]+)')
      operations.push({
        id: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^${source}$`),
        rateLimits: operation['x-rate-limits'] as RateLimitValues | undefined,
        secured: Array.isArray(operation.security) && operation.security.length > 0,
        raw: operation,
      })
    }
  }
  // Literal segments win over parameters: `/invoices/failed` before `/invoices/{invoiceReferenceNumber}`.
  const params = (op: SpecOperation) => (op.template.match(/\{/g) ?? []).length
  operations.sort((a, b) => params(a) - params(b) || b.template.length - a.template.length)
  cached = { spec, operations }
  return cached
}

/**
 * The parsed spec.
 *
 * @example
 * ```ts
 * const title = (openApiSpec().info as { title: string }).title
 * ```
 */
export function openApiSpec(): Json {
  return load().spec
}

/**
 * The operation a request hits, by method and path relative to `/v2`.
 *
 * @example
 * ```ts
 * findOperation('GET', '/sessions/20260101-SO-0000000000-0000000000-00')?.template // '/sessions/{referenceNumber}'
 * ```
 */
export function findOperation(method: string, path: string): SpecOperation | undefined {
  const upper = method.toUpperCase()
  return load().operations.find((op) => op.method === upper && op.pattern.test(path))
}

/**
 * Every operation of the spec.
 *
 * @example
 * ```ts
 * specOperations().filter((op) => !op.secured) // the public endpoints
 * ```
 */
export function specOperations(): readonly SpecOperation[] {
  return load().operations
}

/**
 * An OpenAPI 3.0 schema as JSON Schema: `nullable` becomes a `null` alternative, `$ref`s point into
 * `<refBase>#/definitions/...`, examples are dropped.
 *
 * @example
 * ```ts
 * toJsonSchema({ type: 'string', nullable: true }, 'ksef.json') // { type: ['string', 'null'] }
 * ```
 */
export function toJsonSchema(node: unknown, refBase: string): unknown {
  if (Array.isArray(node)) return node.map((item) => toJsonSchema(item, refBase))
  if (!node || typeof node !== 'object') return node
  const source = node as Json
  const out: Json = {}
  for (const [key, value] of Object.entries(source)) {
    if (key === 'example' || key === 'examples' || key === 'nullable' || key === 'xml') continue
    if (key === '$ref' && typeof value === 'string') {
      out.$ref = value.replace('#/components/schemas/', `${refBase}#/definitions/`)
    } else if (key === 'properties' && value && typeof value === 'object') {
      out.properties = Object.fromEntries(
        Object.entries(value as Json).map(([name, schema]) => [name, toJsonSchema(schema, refBase)]),
      )
    } else {
      out[key] = toJsonSchema(value, refBase)
    }
  }
  if (source.nullable === true) {
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null']
      if (Array.isArray(out.enum)) out.enum = [...out.enum, null]
    } else {
      return { anyOf: [out, { type: 'null' }] }
    }
  }
  return out
}

/**
 * The spec's component schemas as one JSON Schema document with `$id` `refBase`.
 *
 * @example
 * ```ts
 * ajv.addSchema(componentsDocument('ksef.json'))
 * ```
 */
export function componentsDocument(refBase: string): Json {
  const schemas = (openApiSpec().components as { schemas: Json }).schemas
  return { $id: refBase, definitions: toJsonSchema(schemas, refBase) }
}
