/**
 * The HubSpot SDK's transport, replaced. `@hubspot/api-client` sends through the process's global `fetch` (its
 * `Transport.js`), and `new Client(...)` offers no way to give it another; its retry and limiter decorators are
 * one per process (a second `Client` replaces the first one's). The SDK's generated API classes do take an HTTP
 * library in their configuration (`createConfiguration({ httpApi })`), so every call of the connector goes through
 * this one: a `fetch` over the connection's HTTP client (`fetchOver`), i.e. the hub's timeouts, retries, limits
 * and host allow-list, per connection.
 *
 * @module
 */
import { ResponseContext } from '@hubspot/api-client/lib/codegen/crm/commerce/invoices/http/http.js'

/** What the SDK's generated clients hand their HTTP library: a request context, read through its getters. */
export interface SdkRequest {
  getUrl(): string
  getHttpMethod(): string
  getHeaders(): Record<string, string>
  getBody(): unknown
}

/** The SDK's promise-based HTTP library (each API module wraps it with its own `wrapHttpLibrary`). */
export interface SdkHttpLibrary {
  send(request: SdkRequest): Promise<ResponseContext>
}

/** A `form-data` body (the SDK's multipart uploads): bytes and the header with its boundary. */
interface MultipartBody {
  getBuffer(): Buffer
  getHeaders(): Record<string, string>
}

function isMultipart(body: unknown): body is MultipartBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as MultipartBody).getBuffer === 'function' &&
    typeof (body as MultipartBody).getHeaders === 'function'
  )
}

/** The request's body as fetch takes it, and the headers it needs. */
function bodyOf(request: SdkRequest): { body?: string | Uint8Array<ArrayBuffer>; headers: Record<string, string> } {
  const headers = { ...request.getHeaders() }
  const body = request.getBody()
  if (body === undefined || body === null) return { headers }
  if (typeof body === 'string') return { body, headers }
  if (isMultipart(body)) {
    // form-data holds the SDK's HttpFile buffers, so its whole body is at hand (no streams).
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-type') delete headers[name]
    return { body: new Uint8Array(body.getBuffer()), headers: { ...headers, ...body.getHeaders() } }
  }
  if (body instanceof URLSearchParams) {
    return { body: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } }
  }
  throw new TypeError(`the HubSpot SDK gave a body this transport does not send (${typeof body})`)
}

/**
 * The SDK's HTTP library over a fetch: what the SDK asks is sent with `vendorFetch`, and the answer read whole.
 *
 * @example
 * ```ts
 * const library = sdkHttpLibrary(fetchOver(context.http, { accept: [404] }))
 * const configuration = invoices.createConfiguration({ httpApi: invoices.wrapHttpLibrary(library), ... })
 * ```
 */
export function sdkHttpLibrary(vendorFetch: typeof fetch): SdkHttpLibrary {
  return {
    async send(request) {
      const { body, headers } = bodyOf(request)
      const response = await vendorFetch(request.getUrl(), {
        method: request.getHttpMethod(),
        headers,
        ...(body !== undefined ? { body } : {}),
      })
      const bytes = Buffer.from(await response.arrayBuffer())
      const answered: Record<string, string> = {}
      response.headers.forEach((value, name) => {
        answered[name] = value
      })
      return new ResponseContext(response.status, answered, {
        text: async () => bytes.toString('utf8'),
        binary: async () => bytes,
      })
    },
  }
}
