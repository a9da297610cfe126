/**
 * Test support: a client of the fake that checks every answer against the vendor's contract
 * (`contract/bc-api-v2.0-subset.openapi.yaml`, and `contract/bc-supplement.openapi.yaml` for what the subset
 * leaves out) with the SDK's OpenAPI checks, so the fake cannot drift from Business Central's documented shapes.
 *
 * @module
 */
import { readFileSync } from 'node:fs'
import { callFake, type FakeAnswer, type FakeCallInit } from '@ksef-hub/connector-sdk/testing'
import { type OpenApiDocument, openApiCheck } from '@ksef-hub/connector-sdk/testing/openapi'
import { parse } from 'yaml'
import type { FakeBc } from './fake-bc.ts'

const load = (name: string) =>
  parse(readFileSync(new URL(`./contract/${name}`, import.meta.url), 'utf8'), { maxAliasCount: -1 }) as OpenApiDocument

/** BC's API v2.0 subset. */
export const BC_CONTRACT = openApiCheck(load('bc-api-v2.0-subset.openapi.yaml'))
/** What the subset leaves out: exchange rates and Entra's token endpoint. */
export const SUPPLEMENT = openApiCheck(load('bc-supplement.openapi.yaml'))

/** An answer of the fake, its body parsed when it is JSON. */
export type Checked = FakeAnswer

/**
 * Problems of an answer against the contract, for a request to `url` (the API's or the token endpoint's).
 *
 * @example
 * ```ts
 * expect(contractProblems(bc, 'GET', url, response.status, response.headers, body)).toEqual([])
 * ```
 */
export function contractProblems(
  bc: FakeBc,
  method: string,
  url: string,
  status: number,
  headers: Headers,
  body: unknown,
): string[] {
  const { pathname } = new URL(url)
  const apiPath = new URL(bc.apiBase).pathname
  const below = pathname.startsWith(apiPath) ? pathname.slice(apiPath.length) : pathname
  // A document's attachments are the APIV2 page part `documentAttachments` (the entity table's `parts`): the same
  // entity as the company's set, which the subset documents.
  const path = below.replace(
    /^(\/companies\([^)]+\))\/(?:salesInvoices|salesCreditMemos|purchaseInvoices)\([^)]+\)(\/documentAttachments)/,
    '$1$2',
  )
  for (const contract of [BC_CONTRACT, SUPPLEMENT]) {
    const template = contract.templateOf(method, decodeURIComponent(path))
    if (template) return contract.responseProblems(method, template, status, headers, body)
  }
  return [`${method} ${path} is in neither contract`]
}

/**
 * A client of the fake for tests: fetches a token once (again after `forget`), calls, and checks each answer.
 *
 * @example
 * ```ts
 * const api = contractClient(bc)
 * const page = await api.call('GET', `/companies(${companyId})/salesInvoices`)
 * expect(page.problems).toEqual([])
 * ```
 */
export function contractClient(bc: FakeBc) {
  let token: string | undefined
  const getToken = async () => {
    if (token) return token
    const response = await fetch(bc.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: bc.credentials.clientId,
        client_secret: bc.credentials.clientSecret,
        scope: bc.scope,
      }),
    })
    token = ((await response.json()) as { access_token: string }).access_token
    return token
  }
  return {
    forget() {
      token = undefined
    },
    /** Calls `path` (below the API base, or a full URL) and returns the answer with its contract problems. */
    async call(
      method: string,
      path: string,
      init: FakeCallInit = {},
    ): Promise<Checked & { readonly problems: string[] }> {
      const url = path.startsWith('http') ? path : `${bc.apiBase}${path}`
      const answer = await callFake(
        method,
        url,
        { ...init, headers: { authorization: `Bearer ${await getToken()}`, ...init.headers } },
        (contentType) => contentType.includes('json'),
      )
      const json = (answer.headers.get('content-type') ?? '').includes('json')
      const problems = contractProblems(bc, method, url, answer.status, answer.headers, json ? answer.body : undefined)
      return { ...answer, problems }
    },
  }
}
