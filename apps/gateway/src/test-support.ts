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
