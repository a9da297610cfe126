/**
 * The connector's HTTP client (see `contract/http.ts` for what it promises). Everything a connector sends goes
 * through here, so the timeouts, retry policy, host allow-list, limits and error classes hold for every plugin.
 *
 * @module
 */
import type { HttpClient, HttpRequest, HttpResponse } from '../contract/http.ts'
import { ConnectorError, isConnectorError } from '../errors.ts'
import { errorOfStatus } from './classify.ts'
import { createLimiter, type Limiter } from './limiter.ts'
import { sleep } from './sleep.ts'

/** How a client is set up. */
export interface HttpClientOptions {
  /** The origins the client may call (`https://api.example.com`; a path after the origin is ignored). */
  readonly hosts: readonly string[]
  /** Time for one exchange (default 30 s). */
  readonly timeoutMs?: number
  /** Retries of a transient failure within one call (default 2); the hub's job retries take over after. */
  readonly retries?: number
  /** The largest answer read (default 32 MiB). */
  readonly maxResponseBytes?: number
  /** A 429 whose `Retry-After` is at most this long is waited out inline (default 5 s); longer ones are thrown. */
  readonly inlineRetryAfterMs?: number
  readonly limiter?: Limiter
  /** Aborts every request (the job's signal). */
  readonly signal?: AbortSignal
  /** The underlying fetch (default the global one). */
  readonly fetch?: typeof fetch
  /** Backoff before retry `n` (default 250 ms × 2^n with jitter). */
  readonly backoffMs?: (attempt: number) => number
}

const MAX_REDIRECTS = 5
// Connection failures before any byte reached the server: safe to retry whatever the method.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])

// A finished wait takes its listener off the job's signal: a long pull backs off many times on one signal, and
// each wait left a listener behind.
function originOf(value: string): string {
  try {
    return new URL(value).origin
  } catch {
    throw new TypeError(`"${value}" is not a URL: a connector's hosts must be absolute URLs`)
  }
}

function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: string } })?.cause
  return cause?.code ?? (error as { code?: string })?.code
}

async function readCapped(response: Response, limit: number, what: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN)
  if (declared > limit) {
    await response.body?.cancel()
    throw new ConnectorError('validation', `${what}: the answer (${declared} bytes) is over ${limit} bytes`)
  }
  if (!response.body) return new Uint8Array()
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    size += chunk.length
    if (size > limit) throw new ConnectorError('validation', `${what}: the answer is over ${limit} bytes`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/** An answer read whole, and the URL it came from (after redirects). */
interface Exchanged {
  readonly status: number
  readonly statusText: string
  readonly headers: Headers
  readonly url: URL
  readonly bytes: Uint8Array
}

function answer({ status, headers, url, bytes }: Exchanged, what: string): HttpResponse {
  return {
    status,
    headers,
    // Where the answer came from, as fetch's Response.url: links in it resolve against this URL.
    url: url.toString(),
    bytes,
    text: () => new TextDecoder().decode(bytes),
    json<T>() {
      try {
        return JSON.parse(new TextDecoder().decode(bytes)) as T
      } catch {
        throw new ConnectorError('transient', `${what} answered ${status} with a body that is not JSON`, { status })
      }
    },
  }
}

/**
 * Creates a connector's HTTP client.
 *
 * @example
 * ```ts
 * const http = createHttpClient({ hosts: ['https://api.example.com'], limiter: createLimiter({ concurrent: 5 }) })
 * const invoices = (await http.request({ url: 'https://api.example.com/invoices' })).json()
 * ```
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const allowed = new Set(options.hosts.map(originOf))
  const baseFetch = options.fetch ?? fetch
  const timeoutMs = options.timeoutMs ?? 30_000
  const limit = options.maxResponseBytes ?? 32 * 1024 * 1024
  const limiter = options.limiter ?? createLimiter()
  const backoff = options.backoffMs ?? ((attempt: number) => 250 * 2 ** attempt * (0.5 + Math.random()))

  function checkHost(url: URL): void {
    if (!allowed.has(url.origin)) {
      throw new ConnectorError('validation', `${url.origin} is not among the connection's hosts`)
    }
  }

  /**
   * One exchange: allow-list, limiter, timeout, redirects within the allowed hosts, the body read within the limit.
   * The slot is held until the body is read (a body still arriving is a request in flight), and the time starts once
   * the slot is held: a call queued behind the limiter timed out before it was sent, and a POST was then taken for
   * one whose effect is unknown. The limiter bounds its own wait.
   */
  async function exchange(input: URL, init: RequestInit, ms: number, what: string, caller?: AbortSignal) {
    const stop = [options.signal, caller].filter((signal) => signal !== undefined)
    const release = await limiter.acquire(stop.length > 1 ? AbortSignal.any(stop) : stop[0])
    try {
      const signal = AbortSignal.any([AbortSignal.timeout(ms), ...stop])
      let url = input
      for (let hop = 0; ; hop++) {
        checkHost(url)
        const response = await baseFetch(url, { ...init, signal, redirect: 'manual' })
        const location = response.headers.get('location')
        if (response.status < 300 || response.status >= 400 || !location || hop >= MAX_REDIRECTS) {
          const bytes = await readCapped(response, limit, what)
          const { status, statusText, headers } = response
          return { status, statusText, headers, url, bytes } satisfies Exchanged
        }
        await response.body?.cancel()
        url = new URL(location, url)
        if (response.status === 303) init = { ...init, method: 'GET', body: null }
      }
    } finally {
      release()
    }
  }

  async function request(request: HttpRequest): Promise<HttpResponse> {
    const method = request.method ?? 'GET'
    const url = new URL(request.url)
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value))
    }
    // Never the query in messages: some systems take keys there.
    const what = `${method} ${url.pathname}`
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers }
    let body: string | Uint8Array<ArrayBuffer> | undefined
    if (request.json !== undefined) {
      headers['content-type'] ??= 'application/json'
      body = JSON.stringify(request.json)
    } else if (request.body !== undefined) {
      // A copy on its own ArrayBuffer: fetch's types (and a transfer) refuse views of shared memory.
      body = typeof request.body === 'string' ? request.body : new Uint8Array(request.body)
    }
    const idempotent = request.idempotent ?? !['POST', 'PATCH'].includes(method)
    const retries = options.retries ?? 2
    for (let attempt = 0; ; attempt++) {
      let failure: ConnectorError
      try {
        const response = await exchange(
          url,
          { method, headers, ...(body !== undefined ? { body } : {}) },
          request.timeoutMs ?? timeoutMs,
          what,
        )
        if ((response.status >= 200 && response.status < 300) || request.accept?.includes(response.status)) {
          return answer(response, what)
        }
        failure = errorOfStatus(
          what,
          response.status,
          response.headers.get('retry-after'),
          new TextDecoder().decode(response.bytes.slice(0, 600)),
        )
        const inline = options.inlineRetryAfterMs ?? 5_000
        const rateLimited = failure.kind === 'rate_limit' && (failure.retryAfterMs ?? 1_000) <= inline
        if (attempt < retries && (rateLimited || (failure.kind === 'transient' && idempotent))) {
          await sleep(rateLimited ? (failure.retryAfterMs ?? 1_000) : backoff(attempt), options.signal)
          continue
        }
        throw failure
      } catch (error) {
        if (isConnectorError(error)) throw error
        if (options.signal?.aborted) throw error
        const timedOut = (error as Error)?.name === 'TimeoutError'
        const code = causeCode(error)
        failure = new ConnectorError(
          'transient',
          `${what} ${timedOut ? `took longer than ${request.timeoutMs ?? timeoutMs} ms` : `failed: ${code ?? (error as Error).message}`}`,
          { cause: error },
        )
        const unsent = code !== undefined && NOT_SENT.has(code)
        if (attempt < retries && (unsent || idempotent)) {
          await sleep(backoff(attempt), options.signal)
          continue
        }
        throw failure
      }
    }
  }

  const limitedFetch: typeof fetch = async (input, init) => {
    // Through a Request, as fetch reads its arguments: a Request's method, headers, body and signal are getters a
    // spread does not copy, so a vendor SDK calling fetch(request) sent a bare GET. The caller's signal ends the
    // call, as it would with fetch.
    const request = new Request(input, init)
    const url = new URL(request.url)
    const body = request.body ? new Uint8Array(await request.arrayBuffer()) : undefined
    const response = await exchange(
      url,
      { method: request.method, headers: request.headers, ...(body ? { body } : {}) },
      timeoutMs,
      `${request.method} ${url.pathname}`,
      request.signal,
    )
    return new Response(response.status === 204 || response.status === 304 ? null : new Uint8Array(response.bytes), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    })
  }

  return { request, fetch: limitedFetch }
}
