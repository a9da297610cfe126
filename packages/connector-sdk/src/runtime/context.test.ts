import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { CredentialStore } from '../auth/credentials.ts'
import { type AnyConnector, defineConnector, SDK_VERSION } from '../contract/definition.ts'
import { ConnectorError } from '../errors.ts'
import { createLimiter } from '../http/limiter.ts'
import { type LocalServer, localServer } from '../http/local-server.ts'
import { failure } from '../test-support.ts'
import { type ConnectorHost, createConnectorContext } from './context.ts'

const SECRET = 'sk_live_TOPSECRET'
const NOW = new Date('2026-11-20T10:00:00Z')

let api: LocalServer

beforeAll(async () => {
  api = await localServer((request, response) => {
    if (request.url === '/hang') return
    response.end(JSON.stringify({ path: request.url }))
  })
})

afterAll(async () => {
  await api.close()
})

const settings = z.object({ baseUrl: z.url(), pageSize: z.number().default(50) })

const staticConnector = defineConnector({
  id: 'acme-erp',
  displayName: 'Acme ERP',
  version: '1.0.0',
  sdkVersion: SDK_VERSION,
  settings,
  secrets: z.object({ apiKey: z.string().startsWith('pk_') }),
  hosts: (checked) => [checked.baseUrl],
}) as AnyConnector

const oauthConnector = defineConnector({
  ...staticConnector,
  id: 'acme-cloud',
  secrets: z.object({ accessToken: z.string(), refreshToken: z.string().min(4), expiresAt: z.iso.datetime() }),
  auth: {
    kind: 'oauth2',
    expiresAt: (secrets) => new Date(secrets.expiresAt),
    refresh: async ({ secrets, now }) => ({
      accessToken: 'renewed',
      refreshToken: `${secrets.refreshToken}>1`,
      expiresAt: new Date(now().getTime() + 3_600_000).toISOString(),
    }),
  },
}) as AnyConnector

function memoryStore(content: unknown) {
  const store: CredentialStore<unknown> & { content: unknown } = {
    content,
    read: async () => store.content,
    renewLocked: async (renew) => {
      const renewed = await renew(store.content)
      if (renewed !== undefined) store.content = renewed
      return store.content
    },
  }
  return store
}

const hostWith = (overrides: Partial<ConnectorHost> = {}): ConnectorHost => ({
  tenant: { id: 't1', nip: '5265877635', name: 'Tenant' },
  connection: { id: 'c1', name: 'acme' },
  settings: { baseUrl: api.origin },
  store: memoryStore({ apiKey: 'pk_1' }),
  logger: { debug() {}, info() {}, warn() {}, error() {} },
  signal: new AbortController().signal,
  now: () => NOW,
  hub: { invoiceOf: async () => undefined },
  ...overrides,
})

describe('createConnectorContext', () => {
  it("gives the checked settings and an HTTP client for the connector's hosts only", async () => {
    const host = hostWith()
    const context = createConnectorContext(staticConnector, host)
    expect(context.settings).toEqual({ baseUrl: api.origin, pageSize: 50 })
    expect(context.tenant).toBe(host.tenant)
    expect(context.connection).toBe(host.connection)
    expect(context.now()).toBe(NOW)
    expect((await context.http.request({ url: `${api.origin}/x` })).json()).toEqual({ path: '/x' })
    expect((await failure(context.http.request({ url: 'https://elsewhere.example/x' }))).kind).toBe('validation')
    expect(await context.credentials.current()).toEqual({ apiKey: 'pk_1' })
  })

  it('refuses stored settings that no longer fit, naming the field', () => {
    let thrown: unknown
    try {
      createConnectorContext(staticConnector, hostWith({ settings: { baseUrl: 'api.acme', pageSize: 'x' } }))
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(ConnectorError)
    expect(thrown).toMatchObject({ kind: 'validation' })
    expect((thrown as Error).message).toMatch(/settings\.baseUrl: .*; settings\.pageSize: /)
  })

  it('refuses secrets that do not fit as auth, naming the field and never the value', async () => {
    const context = createConnectorContext(staticConnector, hostWith({ store: memoryStore({ apiKey: SECRET }) }))
    const error = await failure(context.credentials.current())
    expect(error.kind).toBe('auth')
    expect(error.message).toContain('secrets.apiKey')
    expect(error.message).not.toContain('TOPSECRET')
    expect(JSON.stringify(error)).not.toContain('TOPSECRET')
    expect(String(error.cause ?? '')).not.toContain('TOPSECRET')
  })

  it('checks the secrets a renewal starts from', async () => {
    const malformed = memoryStore({ accessToken: SECRET, refreshToken: 'r', expiresAt: NOW.toISOString() })
    const context = createConnectorContext(oauthConnector, hostWith({ store: malformed }))
    const error = await failure(context.credentials.current())
    expect(error.kind).toBe('auth')
    expect(error.message).toContain('secrets.refreshToken')
    expect(error.message).not.toContain('TOPSECRET')
  })

  it('stores nothing when a renewal returns secrets that do not fit', async () => {
    const broken = defineConnector({
      ...oauthConnector,
      auth: { ...(oauthConnector.auth as object), refresh: async () => ({ accessToken: SECRET }) },
    } as never) as AnyConnector
    const stored = { accessToken: 'old', refreshToken: 'r-0001', expiresAt: NOW.toISOString() }
    const store = memoryStore(stored)
    const error = await failure(createConnectorContext(broken, hostWith({ store })).credentials.current())
    expect(error.kind).toBe('auth')
    expect(error.message).toContain('secrets.refreshToken')
    expect(error.message).not.toContain('TOPSECRET')
    // The refresh token that still works is kept, not replaced by nothing.
    expect(store.content).toBe(stored)
  })

  it('renews OAuth tokens through the connector and stores what it returns', async () => {
    const store = memoryStore({ accessToken: 'old', refreshToken: 'r-0001', expiresAt: NOW.toISOString() })
    const context = createConnectorContext(oauthConnector, hostWith({ store }))
    const secrets = (await context.credentials.current()) as { accessToken: string }
    expect(secrets.accessToken).toBe('renewed')
    expect(store.content).toMatchObject({ accessToken: 'renewed', refreshToken: 'r-0001>1' })
  })

  it("uses the host's fetch, timeout, limiter and signal", async () => {
    let fetched = 0
    const job = new AbortController()
    const context = createConnectorContext(
      staticConnector,
      hostWith({
        fetch: (input, init) => {
          fetched++
          return fetch(input, init)
        },
        timeoutMs: 100,
        limiter: createLimiter({ requestsPerMinute: 2 }, 0),
        signal: job.signal,
      }),
    )
    const timedOut = await failure(context.http.request({ url: `${api.origin}/hang`, idempotent: false }))
    expect(timedOut.message).toContain('took longer than 100 ms')
    // Its own time: the host's 100 ms is short for a loaded machine.
    await context.http.request({ url: `${api.origin}/y`, timeoutMs: 10_000 })
    expect(fetched).toBe(2)
    expect((await failure(context.http.request({ url: `${api.origin}/z` }))).kind).toBe('rate_limit')
    const stopped = createConnectorContext(staticConnector, hostWith({ signal: job.signal }))
    job.abort(new Error('shutdown'))
    await expect(stopped.http.request({ url: `${api.origin}/z` })).rejects.toThrow('shutdown')
  })
})
