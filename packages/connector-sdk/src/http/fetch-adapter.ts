/**
 * A `fetch` over the connector's HTTP client, for vendor SDKs built on fetch. Unlike `http.fetch` (the bare
 * exchange: timeouts, allow-list, limits and size cap only), every call made through it is an `http.request`:
 * transient failures are retried, a short `Retry-After` is waited out, and an answer outside 2xx rejects the
 * fetch with the classified `ConnectorError`, so the vendor SDK never sees a 429 it would retry on its own and
 * the hub decides what a failure means. Statuses the SDK must read itself (a 404 meaning "absent", a 409 meaning
 * "exists") are listed in `accept` and come back as responses.
 *
 * @module
 */
import type { HttpClient, HttpRequest } from '../contract/http.ts'

/** How {@link fetchOver} sends. */
export interface FetchOverOptions {
  /** Statuses answered as responses for the vendor SDK to read, instead of thrown (e.g. `[400, 404, 409]`). */
  readonly accept?: readonly number[]
  /**
   * Whether a request may be sent again after a failure that left its effect unknown; `undefined` leaves it to the
   * HTTP client (GET, PUT, DELETE yes; POST, PATCH no). Vendor APIs that read with POST (searches, batch reads)
   * say so here.
   */
  readonly idempotent?: (method: string, url: URL) => boolean | undefined
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
// Statuses whose answers carry no body: the Response constructor refuses one.
const NO_BODY = new Set([204, 205, 304])

/** Ends with the caller's abort (as fetch does), whatever the exchange underneath is doing. */
function abortable<T>(work: Promise<T>, signal: AbortSignal | null): Promise<T> {
  if (!signal) return work
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason)
    signal.addEventListener('abort', abort, { once: true })
    work.then(
      (value) => {
        signal.removeEventListener('abort', abort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort)
        reject(error)
      },
    )
  })
}

/**
 * A `fetch` whose every call goes through `http.request`: the connection's timeouts, retries, limits and host
 * allow-list, and its error classes (an answer outside 2xx and `accept` rejects with a `ConnectorError`). Only
 * GET, POST, PUT, PATCH and DELETE are sent; the caller's `signal` ends the wait, as with fetch.
 *
 * @throws `TypeError` (rejected) for another method
 * @example
 * ```ts
 * const vendorFetch = fetchOver(context.http, { accept: [404], idempotent: (method, url) => (method === 'POST' && url.pathname.endsWith('/search')) || undefined })
 * const response = await vendorFetch('https://api.example.com/v1/invoices/42') // a 404 is a Response; a 429 rejects with rate_limit
 * ```
 */
export function fetchOver(http: HttpClient, options: FetchOverOptions = {}): typeof fetch {
  return async (input, init) => {
    // Through a Request, as fetch reads its arguments: a Request's method, headers and body are getters a spread
    // does not copy.
    const request = new Request(input, init)
    const method = request.method.toUpperCase()
    if (!METHODS.has(method)) throw new TypeError(`fetchOver sends GET, POST, PUT, PATCH and DELETE, not ${method}`)
    const url = new URL(request.url)
    const body = request.body ? new Uint8Array(await request.arrayBuffer()) : undefined
    const idempotent = options.idempotent?.(method, url)
    const sent: HttpRequest = {
      method: method as NonNullable<HttpRequest['method']>,
      url,
      headers: Object.fromEntries(request.headers),
      ...(body ? { body } : {}),
      ...(idempotent !== undefined ? { idempotent } : {}),
      ...(options.accept ? { accept: options.accept } : {}),
    }
    const answer = await abortable(http.request(sent), request.signal)
    const response = new Response(NO_BODY.has(answer.status) ? null : new Uint8Array(answer.bytes), {
      status: answer.status,
      headers: answer.headers,
    })
    // Where the answer came from (after redirects), as fetch's Response.url says: links in it resolve against it.
    Object.defineProperty(response, 'url', { value: answer.url })
    return response
  }
}
