/**
 * Walking a paged listing with the connection's HTTP client: each answer says where the next page is (an OData
 * `@odata.nextLink`, a `paging.next.after` token, a page number), and the walk stops when it says nowhere, or at a
 * bound, so a source that keeps answering "more" cannot hold a worker for ever.
 *
 * @module
 */
import type { HttpClient, HttpRequest, HttpResponse } from '../contract/http.ts'
import { ConnectorError } from '../errors.ts'

/** How a walk goes on. */
export interface PaginateOptions {
  /** The request of the page after `response`, or `undefined` at the last page. */
  readonly next: (response: HttpResponse, request: HttpRequest) => HttpRequest | undefined
  /** Most pages walked (default 1,000); past it the walk fails as `transient`, so the job tries again later. */
  readonly maxPages?: number
}

/**
 * The pages of a listing, one answer at a time.
 *
 * @example
 * ```ts
 * for await (const page of paginate(context.http, { url: `${base}/companies(${id})/salesInvoices` }, {
 *   next: (response) => {
 *     const link = response.json<{ '@odata.nextLink'?: string }>()['@odata.nextLink']
 *     return link ? { url: link } : undefined
 *   },
 * })) invoices.push(...page.json<{ value: unknown[] }>().value)
 * ```
 */
export async function* paginate(
  http: HttpClient,
  first: HttpRequest,
  options: PaginateOptions,
): AsyncGenerator<HttpResponse, void, undefined> {
  const maxPages = options.maxPages ?? 1_000
  const seen = new Set<string>()
  let request: HttpRequest | undefined = first
  for (let pages = 0; request; pages++) {
    if (pages >= maxPages) {
      throw new ConnectorError('transient', `the listing goes on past ${maxPages} pages: stopped, to try again later`)
    }
    // A source that answers the same next page again would be walked for ever.
    const key = `${request.method ?? 'GET'} ${String(request.url)} ${JSON.stringify(request.query ?? {})} ${JSON.stringify(request.json ?? null)}`
    if (seen.has(key)) throw new ConnectorError('transient', 'the listing points back at a page it gave before')
    seen.add(key)
    const response = await http.request(request)
    yield response
    request = options.next(response, request)
  }
}
