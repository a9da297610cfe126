/**
 * The HTTP client a connector gets: one wrapper with timeouts, bounded retries of transient failures, the
 * connection's rate limits, an allow-list of the system's hosts, a response size limit, and errors classified
 * into the connector error family.
 *
 * @module
 */

/** One request. */
export interface HttpRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  readonly url: string | URL
  /** Added to the URL's query (undefined values are left out). */
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>
  readonly headers?: Readonly<Record<string, string>>
  /** A JSON body (sets `Content-Type: application/json`). */
  readonly json?: unknown
  /** A raw body (set its `Content-Type` in `headers`). */
  readonly body?: Uint8Array | string
  /** Time for the whole exchange (default: the connection's, 30 s). */
  readonly timeoutMs?: number
  /**
   * Whether the request may be sent again after a failure that left its effect unknown (a timeout, a 5xx).
   * Default: `true` for GET, PUT and DELETE, `false` for POST and PATCH. A request that never reached the
   * server (connection refused) is always retried.
   */
  readonly idempotent?: boolean
  /** Statuses that are answers, not errors (e.g. `[404]` to read "absent"). */
  readonly accept?: readonly number[]
}

/** An answer, its body read whole (within the size limit). */
export interface HttpResponse {
  readonly status: number
  readonly headers: Headers
  readonly url: string
  /** The body as bytes. */
  readonly bytes: Uint8Array
  /** The body as UTF-8 text. */
  text(): string
  /** The body parsed as JSON (a `ConnectorError('transient')` when it is not JSON). */
  json<T = unknown>(): T
}

/** The connector's HTTP client. */
export interface HttpClient {
  /**
   * Sends a request. Answers outside 2xx (and `accept`) throw a classified `ConnectorError`: 401 `auth`,
   * 403 `forbidden`, 404 `not_found`, 409/412 `conflict`, 429 `rate_limit` (with `Retry-After`), other 4xx
   * `validation`, 5xx, timeouts and network failures `transient`.
   *
   * @example
   * ```ts
   * const page = await context.http.request({ url: `${base}/invoices`, query: { since } })
   * const invoices = page.json<{ items: unknown[] }>().items
   * ```
   */
  request(request: HttpRequest): Promise<HttpResponse>
  /**
   * A `fetch` with the same timeouts, host allow-list, rate limits and size limit but no classification or
   * retries, for vendor SDKs that take a fetch function.
   */
  readonly fetch: typeof fetch
}
