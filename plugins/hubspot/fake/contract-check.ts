/**
 * Test support: the fake's answers (and what clients send it) checked against our index of HubSpot's API
 * (`contract/hubspot-api-index.json`) and its supplement, so the fake cannot drift from HubSpot's documented
 * shapes unnoticed: each answer is matched to its endpoint, its status to a documented response, and its body to
 * that response's schema (`index-check.ts`).
 *
 * @module
 */
import { readFileSync } from 'node:fs'
import { callFake, type FakeAnswer, type FakeCallInit, isJsonContentType } from '@ksef-hub/connector-sdk/testing'
import type { FakeHubSpot } from './fake-hubspot.ts'
import { type Adjustments, indexChecker, type Schemas } from './index-check.ts'

interface IndexEndpoint {
  readonly method: string
  readonly path: string
  readonly body: Readonly<Record<string, string>> | null
  readonly responses: Readonly<Record<string, Readonly<Record<string, string>> | null>>
}

interface Index {
  readonly endpoints: Readonly<Record<string, { readonly list: readonly IndexEndpoint[] }>>
  readonly schemas: Schemas
}

interface Supplement extends Adjustments {
  readonly schemas: Schemas
  readonly responses: Readonly<Record<string, string>>
}

const load = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`./contract/${name}`, import.meta.url), 'utf8')) as T

const index = load<Index>('hubspot-api-index.json')
const supplement = load<Supplement>('supplement.json')
const checker = indexChecker({ ...index.schemas, ...supplement.schemas }, supplement)

const endpoints = Object.values(index.endpoints)
  .flatMap((family) => family.list)
  .map((endpoint) => ({
    ...endpoint,
    pattern: new RegExp(`^${endpoint.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    literals: endpoint.path.split('/').filter((segment) => segment && !segment.startsWith('{')).length,
  }))

/**
 * The index's endpoint for a request, the one with the most literal segments when several match.
 *
 * @example
 * ```ts
 * endpointOf('POST', '/crm/v3/objects/invoices/search')?.path // '/crm/v3/objects/invoices/search'
 * ```
 */
export function endpointOf(method: string, path: string): IndexEndpoint | undefined {
  return endpoints
    .filter((endpoint) => endpoint.method === method.toUpperCase() && endpoint.pattern.test(path))
    .sort((a, b) => b.literals - a.literals)[0]
}

/**
 * Problems of an answer against the index: the endpoint, the status, the body's schema.
 *
 * @example
 * ```ts
 * expect(contractProblems('GET', '/crm/v3/objects/invoices/1', 200, 'application/json', body)).toEqual([])
 * ```
 */
export function contractProblems(
  method: string,
  path: string,
  status: number,
  contentType: string,
  body: unknown,
): string[] {
  const endpoint = endpointOf(method, path)
  if (!endpoint) return [`${method} ${path} is not in the index`]
  const override =
    supplement.responses[`${endpoint.method} ${endpoint.path} ${status}`] ?? supplement.responses[`* * ${status}`]
  if (override) {
    if (!isJsonContentType(contentType)) return [`${status}: expected a JSON ${override}, got "${contentType}"`]
    return checker.problems(override, body)
  }
  const documented =
    String(status) in endpoint.responses ? endpoint.responses[String(status)] : endpoint.responses.default
  if (documented === undefined) return [`${method} ${endpoint.path} does not document status ${status}`]
  if (documented === null) return body === undefined ? [] : [`${status} documents no body`]
  const [media, schema] = Object.entries(documented)[0] ?? ['', '']
  if (!isJsonContentType(contentType)) {
    return media === '*/*' ? [] : [`${status}: expected ${media}, got "${contentType}"`]
  }
  if (schema === 'object') return []
  return checker.problems(schema, body)
}

/**
 * Problems of a request body against the index (what a client sends the fake).
 *
 * @example
 * ```ts
 * requestProblems('POST', '/crm/v3/objects/invoices/search', { filterGroups: [], ... })
 * ```
 */
export function requestProblems(method: string, path: string, body: unknown): string[] {
  const endpoint = endpointOf(method, path)
  if (!endpoint) return [`${method} ${path} is not in the index`]
  const schema = endpoint.body?.['application/json']
  if (!schema) return [`${method} ${endpoint.path} documents no JSON body`]
  return checker.problems(schema, body)
}

/** An answer of the fake, its body parsed when it is JSON, with its problems against the index. */
export interface Checked extends FakeAnswer {
  readonly problems: string[]
}

/**
 * A client of the fake for tests: calls with the private app's token (or `token`), checks each answer.
 *
 * @example
 * ```ts
 * const api = contractClient(fake)
 * const answer = await api.call('GET', `/crm/v3/objects/invoices/${id}?properties=hs_number`)
 * expect(answer.problems).toEqual([])
 * ```
 */
export function contractClient(fake: FakeHubSpot) {
  return {
    async call(
      method: string,
      path: string,
      init: FakeCallInit & {
        /** Another bearer token; `null`: none. */
        readonly token?: string | null
      } = {},
    ): Promise<Checked> {
      const url = new URL(path, fake.url)
      const token = init.token === undefined ? fake.privateAppToken : init.token
      const answer = await callFake(
        method,
        url,
        { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers } },
        isJsonContentType,
      )
      const contentType = answer.headers.get('content-type') ?? ''
      const problems = contractProblems(method, url.pathname, answer.status, contentType, answer.body)
      return { ...answer, problems }
    },
  }
}
