/**
 * The connector's HTTP client (see `contract/http.ts` for what it promises). Everything a connector sends goes
 * through here, so the timeouts, retry policy, host allow-list, limits and error classes hold for every plugin.
 *
 * @module
 */
import type { HttpClient, HttpRequest, HttpResponse } from '../contract/http.ts'
import { ConnectorError } from '../errors.ts'
import { errorOfStatus } from './classify.ts'
import { createLimiter, type Limiter } from './limiter.ts'

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

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(signal.reason)
      },
      { once: true },
    )
  })

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

function answer(status: number, headers: Headers, url: string, bytes: Uint8Array, what: string): HttpResponse {
  return {
    status,
    headers,
    url,
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

  /** One exchange: allow-list, limiter, timeout, redirects within the allowed hosts. */
  async function exchange(input: URL, init: RequestInit, ms: number): Promise<Response> {
    const signal = AbortSignal.any([AbortSignal.timeout(ms), ...(options.signal ? [options.signal] : [])])
    const release = await limiter.acquire(options.signal)
    try {
      let url = input
      for (let hop = 0; ; hop++) {
        checkHost(url)
        const response = await baseFetch(url, { ...init, signal, redirect: 'manual' })
        const location = response.headers.get('location')
        if (response.status < 300 || response.status >= 400 || !location || hop >= MAX_REDIRECTS) return response
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
    let body: string | Uint8Array | undefined
    if (request.json !== undefined) {
      headers['content-type'] ??= 'application/json'
      body = JSON.stringify(request.json)
    } else if (request.body !== undefined) body = request.body
    const idempotent = request.idempotent ?? !['POST', 'PATCH'].includes(method)
    const retries = options.retries ?? 2
    for (let attempt = 0; ; attempt++) {
      let failure: ConnectorError
      try {
        const response = await exchange(
          url,
          { method, headers, ...(body !== undefined ? { body } : {}) },
          request.timeoutMs ?? timeoutMs,
        )
        const bytes = await readCapped(response, limit, what)
        if ((response.status >= 200 && response.status < 300) || request.accept?.includes(response.status)) {
          return answer(response.status, response.headers, url.toString(), bytes, what)
        }
        failure = errorOfStatus(
          what,
          response.status,
          response.headers.get('retry-after'),
          new TextDecoder().decode(bytes.slice(0, 600)),
        )
        const inline = options.inlineRetryAfterMs ?? 5_000
        const rateLimited = failure.kind === 'rate_limit' && (failure.retryAfterMs ?? 1_000) <= inline
        if (attempt < retries && (rateLimited || (failure.kind === 'transient' && idempotent))) {
          await sleep(rateLimited ? (failure.retryAfterMs ?? 1_000) : backoff(attempt), options.signal)
          continue
        }
        throw failure
      } catch (error) {
        if (error instanceof ConnectorError) throw error
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
    const url = new URL(input instanceof Request ? input.url : input.toString())
    const response = await exchange(url, { ...(input instanceof Request ? input : {}), ...init }, timeoutMs)
    const bytes = await readCapped(response, limit, `${init?.method ?? 'GET'} ${url.pathname}`)
    return new Response(response.status === 204 || response.status === 304 ? null : bytes, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    })
  }

  return { request, fetch: limitedFetch }
}
