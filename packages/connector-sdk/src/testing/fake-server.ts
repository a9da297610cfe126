/**
 * The HTTP plumbing every fake system needs, so a plugin's fake holds only the system's behaviour: a server on
 * 127.0.0.1 with a free port, bodies read whole, failures injected on the next calls (401, 429 with `Retry-After`,
 * 5xx, or no answer at all), and a close that ends hanging connections.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FakeFailure } from './harness.ts'

/** A request to the fake. */
export interface FakeRequest {
  readonly method: string
  /** The URL, with the fake's origin. */
  readonly url: URL
  /** Header names lower-case. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Buffer
  /** The body parsed as JSON (throws on a body that is not). */
  json<T = unknown>(): T
}

/** What the fake answers. */
export interface FakeResponse {
  /** Default 200. */
  readonly status?: number
  /** A JSON body (sets `content-type`). */
  readonly json?: unknown
  /** A raw body. */
  readonly body?: string | Uint8Array
  readonly headers?: Readonly<Record<string, string>>
}

/** The system's behaviour: one request in, one answer out. */
export type FakeHandler = (request: FakeRequest) => FakeResponse | Promise<FakeResponse>

/** How the fake server runs. */
export interface FakeServerOptions {
  /** Requests injected failures leave alone (a token endpoint: failures are for the system's API calls). */
  readonly exempt?: (request: FakeRequest) => boolean
  /** The largest body read (default 5 MiB). */
  readonly maxBodyBytes?: number
}

/** A running fake server. */
export interface FakeServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string
  /** Answers the next `count` requests (not exempt) with `failure`. */
  failNext(failure: FakeFailure, count?: number): void
  /** Requests answered so far, by `METHOD /path` (failures included). */
  readonly calls: readonly string[]
  close(): Promise<void>
}

/**
 * A request body over a fake's limit (a fake answers 413, as its system does).
 *
 * @example
 * ```ts
 * if (error instanceof BodyTooLarge) return send(response, 413, …)
 * ```
 */
export class BodyTooLarge extends Error {
  constructor(limit: number) {
    super(`request body over ${limit} bytes`)
  }
}

/**
 * A request's body read whole, within a limit (refused at once when its declared length is over).
 *
 * @throws {BodyTooLarge} over the limit
 * @example
 * ```ts
 * const raw = await readBody(request, 1_048_576)
 * ```
 */
export async function readBody(message: IncomingMessage, limit: number): Promise<Buffer> {
  if (Number(message.headers['content-length'] ?? 0) > limit) throw new BodyTooLarge(limit)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of message as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw new BodyTooLarge(limit)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

function send(response: ServerResponse, answer: FakeResponse): void {
  const headers: Record<string, string> = { ...answer.headers }
  let body: string | Uint8Array | undefined = answer.body
  if (answer.json !== undefined) {
    headers['content-type'] ??= 'application/json'
    body = JSON.stringify(answer.json)
  }
  response.writeHead(answer.status ?? 200, headers)
  response.end(body)
}

function failureAnswer(failure: FakeFailure): FakeResponse | undefined {
  if ('hang' in failure) return undefined
  if (failure.status === 429) {
    return {
      status: 429,
      json: { error: 'rate_limited', message: 'too many requests' },
      ...(failure.retryAfterSeconds !== undefined
        ? { headers: { 'retry-after': String(failure.retryAfterSeconds) } }
        : {}),
    }
  }
  if (failure.status === 401) return { status: 401, json: { error: 'unauthorized', message: 'invalid token' } }
  return { status: failure.status, json: { error: 'unavailable', message: 'the system is failing (injected)' } }
}

/**
 * Starts a fake system on 127.0.0.1 (a free port).
 *
 * @example
 * ```ts
 * const server = await startFakeServer((request) =>
 *   request.url.pathname === '/api/ping' ? { json: { ok: true } } : { status: 404, json: { error: 'not_found' } },
 * )
 * server.failNext({ status: 503 }, 3)
 * await server.close()
 * ```
 */
export async function startFakeServer(handler: FakeHandler, options: FakeServerOptions = {}): Promise<FakeServer> {
  const failures: FakeFailure[] = []
  const calls: string[] = []
  const limit = options.maxBodyBytes ?? 5 * 1024 * 1024
  const server = createServer(async (message, response) => {
    try {
      const url = new URL(message.url ?? '/', 'http://127.0.0.1')
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(message.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
      }
      const body = await readBody(message, limit)
      const request: FakeRequest = {
        method: message.method ?? 'GET',
        url: new URL(`${url.pathname}${url.search}`, address()),
        headers,
        body,
        json: <T>() => JSON.parse(body.toString('utf8')) as T,
      }
      calls.push(`${request.method} ${url.pathname}`)
      const failure = options.exempt?.(request) ? undefined : failures.shift()
      if (failure) {
        const answer = failureAnswer(failure)
        // A hang: the request stays open until the client gives up or the server closes.
        if (answer) send(response, answer)
        return
      }
      send(response, await handler(request))
    } catch (error) {
      // A bug in the fake shows in the connector's error message (the client quotes the body), not as a hang.
      send(response, { status: 500, json: { error: 'fake_failed', message: (error as Error).message } })
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  function address(): string {
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }
  const url = address()
  return {
    url,
    calls,
    failNext(failure, count = 1) {
      for (let i = 0; i < count; i++) failures.push(failure)
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
