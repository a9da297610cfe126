/**
 * Calls to Business Central: every request goes through the context's HTTP client (timeouts, retries of 429/5xx
 * with `Retry-After`, the connection's limits, its hosts) with the connection's bearer token, renewed once when BC
 * answers 401 to a token that looked valid (`withFreshCredentials`), and BC's error answers classified by their
 * OData code (`odata-errors.ts`). The token travels only in the request's header, never in a message or a log.
 *
 * @module
 */
import {
  type ConnectorContext,
  ConnectorError,
  type HttpRequest,
  type HttpResponse,
  withFreshCredentials,
} from '@ksef-hub/connector-sdk'
import type { z } from 'zod'
import { bcError, CLASSIFIED_STATUSES } from './odata-errors.ts'
import { apiBaseOf, type Secrets, type Settings } from './settings.ts'

/** The context of the Business Central connector. */
export type BcContext = ConnectorContext<Settings, Secrets>

/** A call to BC: `url` is a path under the API root (`/companies`) or an absolute URL (an `@odata.nextLink`). */
export type BcRequest = Omit<HttpRequest, 'url'> & { readonly url: string }

/** The most pages a lookup walks (a lookup names one record; a listing of more is a pull's job). */
const MAX_LOOKUP_PAGES = 50

/**
 * The absolute URL of a path under the connection's API root.
 *
 * @example
 * ```ts
 * bcUrl(context, '/companies') // 'https://api.businesscentral.dynamics.com/v2.0/<tenant>/production/api/v2.0/companies'
 * ```
 */
export function bcUrl(context: BcContext, url: string): string {
  return /^https?:\/\//i.test(url) ? url : `${apiBaseOf(context.settings)}${url}`
}

/**
 * Sends a request to BC with the connection's token.
 *
 * @throws `ConnectorError` classified by status and BC's error code (401 twice: `auth`)
 * @example
 * ```ts
 * const companies = (await bc(context, { url: '/companies' })).json<{ value: unknown[] }>().value
 * ```
 */
export async function bc(context: BcContext, request: BcRequest): Promise<HttpResponse> {
  const url = bcUrl(context, request.url)
  const what = `${request.method ?? 'GET'} ${new URL(url).pathname}`
  const accepted = request.accept ?? []
  return withFreshCredentials(context.credentials, async (secrets) => {
    if (!secrets.accessToken) throw new ConnectorError('auth', 'no access token: the token endpoint gave none')
    const response = await context.http.request({
      ...request,
      url,
      headers: { ...request.headers, authorization: `Bearer ${secrets.accessToken}` },
      accept: [...CLASSIFIED_STATUSES, ...accepted],
    })
    if (response.status >= 400 && !accepted.includes(response.status)) throw bcError(what, response)
    return response
  })
}

/**
 * A request's answer parsed with a schema: an answer of another shape is BC's API changing under us, a
 * `validation` error naming the call, not a crash deep in the mapping.
 *
 * @example
 * ```ts
 * const company = await bcJson(context, { url: `/companies(${id})` }, companyRecord)
 * ```
 */
export async function bcJson<T extends z.ZodType>(
  context: BcContext,
  request: BcRequest,
  schema: T,
): Promise<z.output<T>> {
  const response = await bc(context, request)
  return parseAnswer(schema, response.json(), `${request.method ?? 'GET'} ${new URL(response.url).pathname}`)
}

/**
 * A value checked against a schema, or a `validation` error saying which field of BC's answer did not fit.
 *
 * @example
 * ```ts
 * const page = parseAnswer(listOf(salesDocumentRecord), response.json(), 'GET /companies(…)/salesInvoices')
 * ```
 */
export function parseAnswer<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const field = issue?.path.map(String).join('.') || 'the answer'
  throw new ConnectorError(
    'validation',
    `Business Central: ${what} answered an unexpected shape (${field}: ${issue?.message ?? 'invalid'})`,
  )
}

/**
 * Every record of a listing, following `@odata.nextLink` (for lookups of a few records, bounded).
 *
 * @example
 * ```ts
 * const attachments = await bcList(context, `/companies(${id})/documentAttachments?$filter=…`, attachmentRecord)
 * ```
 */
export async function bcList<T extends z.ZodType>(context: BcContext, url: string, item: T): Promise<z.output<T>[]> {
  const records: z.output<T>[] = []
  let next: string | undefined = url
  for (let pages = 0; next !== undefined; pages++) {
    if (pages >= MAX_LOOKUP_PAGES) {
      throw new ConnectorError('transient', `Business Central: a lookup went on past ${MAX_LOOKUP_PAGES} pages`)
    }
    const response = await bc(context, { url: next })
    const body = response.json<{ value?: unknown; '@odata.nextLink'?: unknown }>()
    const what = `GET ${new URL(response.url).pathname}`
    if (!Array.isArray(body?.value)) {
      throw new ConnectorError('validation', `Business Central: ${what} answered without a value list`)
    }
    for (const record of body.value) records.push(parseAnswer(item, record, what))
    const link = body['@odata.nextLink']
    next = typeof link === 'string' && link !== '' ? new URL(link, response.url).toString() : undefined
  }
  return records
}
