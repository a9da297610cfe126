/**
 * What the gateway's tests share: a pipeline context on a fresh database, a gateway on a real port, tenants
 * with API keys, and a small fetch helper. Not exported from the package.
 *
 * @module
 */
import { createTenant, issueApiKey } from '@ksef-hub/pipeline'
import { type Backend, openTestContext, type TestContext } from '@ksef-hub/pipeline/testing'
import type { GatewayDeps } from './env.ts'
import { type RunningGateway, startGateway } from './server.ts'

/** A gateway on a real port over a fresh test database. */
export interface TestGateway {
  readonly context: TestContext
  readonly gateway: RunningGateway
  readonly url: string
  close(): Promise<void>
}

/**
 * Starts a gateway for a test file.
 *
 * @example
 * ```ts
 * const t = await openTestGateway('pglite')
 * afterAll(() => t.close())
 * ```
 */
export async function openTestGateway(backend: Backend, deps: Omit<GatewayDeps, 'context'> = {}): Promise<TestGateway> {
  const context = await openTestContext(backend)
  const gateway = await startGateway({
    context,
    port: 0,
    ...deps,
    options: { accessLog: false, ...deps.options },
  })
  return {
    context,
    gateway,
    url: gateway.url,
    async close() {
      await gateway.close()
      await context.close()
    },
  }
}

/**
 * A tenant with an API key.
 *
 * @example
 * ```ts
 * const acme = await addTenant(t.context, 'acme', '5265877635')
 * ```
 */
export async function addTenant(
  context: TestContext,
  id: string,
  nip: string,
): Promise<{ id: string; nip: string; apiKey: string }> {
  await createTenant(context.db, { id, name: id, nip, environment: 'test', ksefBaseUrl: 'http://127.0.0.1:9/v2' })
  const { apiKey } = await issueApiKey(context.db, id)
  return { id, nip, apiKey }
}

/** A request's answer with its body read. */
export interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  /** The body as JSON (`undefined` when it is not JSON). */
  readonly json: Record<string, unknown> & { [key: string]: unknown }
}

/**
 * Calls the gateway over HTTP.
 *
 * @example
 * ```ts
 * const answer = await call(t.url, 'POST', '/v1/invoices', { apiKey, json: invoice })
 * ```
 */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { apiKey?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`
  let body: string | undefined = options.body
  if (options.json !== undefined) {
    body = JSON.stringify(options.json)
    headers['content-type'] ??= 'application/json'
  }
  const response = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) })
  const text = await response.text()
  let json: Answer['json']
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined as never
  }
  return { status: response.status, headers: response.headers, text, json }
}

/** What a raw request got: the status, or `undefined` when no answer came while the body was held open. */
export interface RawAnswer {
  readonly status: number | undefined
  readonly body: string
}

/**
 * Sends a request whose body is never finished: the headers, then `chunks` (written as given; chunked unless the
 * headers declare a Content-Length), then waits `waitMs` for an answer. Shows whether the server answers before it
 * has read a body it must refuse.
 *
 * @example
 * ```ts
 * const answer = await unfinishedRequest(t.url, 'POST', '/v1/webhooks', { 'content-length': '300000000' }, [chunk])
 * expect(answer.status).toBe(413)
 * ```
 */
export async function unfinishedRequest(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  chunks: readonly Uint8Array[],
  waitMs = 5_000,
): Promise<RawAnswer> {
  const { request } = await import('node:http')
  return new Promise((resolve) => {
    const outgoing = request(`${base}${path}`, { method, headers })
    const timer = setTimeout(() => {
      outgoing.destroy()
      resolve({ status: undefined, body: '' })
    }, waitMs)
    outgoing.on('response', (response) => {
      const parts: Buffer[] = []
      response.on('data', (part: Buffer) => parts.push(part))
      response.on('end', () => {
        clearTimeout(timer)
        outgoing.destroy()
        resolve({ status: response.statusCode, body: Buffer.concat(parts).toString('utf8') })
      })
    })
    // The server may close the connection once it has answered: that is not a failure here.
    outgoing.on('error', () => {})
    outgoing.flushHeaders()
    for (const chunk of chunks) outgoing.write(chunk)
  })
}
