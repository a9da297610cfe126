import { createTenant, issueApiKey, rotateApiKey, silentLogger } from '@ksef-hub/pipeline'
import { openTestContext, type TestContext } from '@ksef-hub/pipeline/testing'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppEnv } from '../../env.ts'
import { GatewayError } from '../../http/problem.ts'
import { tenantAuth } from './index.ts'

function app(context: TestContext, cacheMs: number, failures?: { perSecond: number; burst: number }) {
  const hono = new Hono<AppEnv>()
  hono.onError((error) =>
    error instanceof GatewayError
      ? Response.json({ code: error.code }, { status: error.status, headers: error.headers })
      : new Response(String(error), { status: 500 }),
  )
  hono.use(async (c, next) => {
    c.set('logger', silentLogger)
    await next()
  })
  hono.use(tenantAuth(context, { cacheMs, ...(failures ? { failures } : {}) }))
  hono.get('/', (c) => c.json(c.get('caller')))
  return hono
}

const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` } })

describe('tenant authentication', () => {
  let context: TestContext
  let acmeKey: string
  let otherKey: string
  beforeAll(async () => {
    context = await openTestContext('pglite')
    await createTenant(context.db, { id: 'acme', name: 'Acme', nip: '5265877635', environment: 'test' })
    await createTenant(context.db, { id: 'other', name: 'Other', nip: '9999999999', environment: 'test' })
    acmeKey = (await issueApiKey(context.db, 'acme')).apiKey
    otherKey = (await issueApiKey(context.db, 'other')).apiKey
  })
  afterAll(() => context.close())

  it('resolves each key to its own tenant', async () => {
    const hono = app(context, 0)
    expect(await (await hono.request('/', bearer(acmeKey))).json()).toMatchObject({ tenantId: 'acme' })
    expect(await (await hono.request('/', bearer(otherKey))).json()).toMatchObject({ tenantId: 'other' })
  })

  it('answers 401 with a WWW-Authenticate challenge for a missing, malformed or unknown key', async () => {
    const hono = app(context, 0)
    const missing = await hono.request('/')
    expect(missing.status).toBe(401)
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="ksef-hub"')
    const basic = await hono.request('/', { headers: { authorization: `Basic ${acmeKey}` } })
    expect(basic.status).toBe(401)
    const unknown = await hono.request('/', bearer(`${acmeKey.slice(0, -1)}x`))
    expect(unknown.status).toBe(401)
    expect(unknown.headers.get('www-authenticate')).toContain('error="invalid_token"')
  })

  it('remembers a verified key for cacheMs: a revoked key works that long, and not after', async () => {
    const { apiKey } = await issueApiKey(context.db, 'acme', 'to-revoke')
    const cached = app(context, 60_000)
    expect((await cached.request('/', bearer(apiKey))).status).toBe(200)
    await rotateApiKey(context.db, 'acme')
    expect((await cached.request('/', bearer(apiKey))).status).toBe(200)
    expect((await app(context, 0).request('/', bearer(apiKey))).status).toBe(401)
  })

  it('throttles failed authentication per client address, refusing before it asks the database', async () => {
    const hono = app(context, 0, { perSecond: 0.01, burst: 3 })
    const from = (address: string, key: string) =>
      hono.request('/', bearer(key), { incoming: { socket: { remoteAddress: address } } })
    const fake = (n: number) => `ksh_AAAAAAAAAAAA_${String(n).padStart(32, 'A')}`
    for (const n of [1, 2, 3]) expect((await from('203.0.113.9', fake(n))).status).toBe(401)
    const refused = await from('203.0.113.9', fake(4))
    expect(refused.status).toBe(429)
    expect(await refused.json()).toEqual({ code: 'RATE_LIMITED' })
    expect(refused.headers.get('retry-after')).toEqual(expect.stringMatching(/^\d+$/))
    // No lookup for anyone from there until it has refilled, a real key included; other addresses are not held.
    expect((await from('203.0.113.9', otherKey)).status).toBe(429)
    expect((await from('198.51.100.7', otherKey)).status).toBe(200)
    // An IPv6 client is one /64: another address of the same network shares its budget.
    for (const n of [1, 2, 3]) expect((await from('2001:db8:1:2::a', fake(n))).status).toBe(401)
    expect((await from('2001:db8:1:2::b', fake(5))).status).toBe(429)
    expect((await from('2001:db8:1:3::a', fake(5))).status).toBe(401)
  })
})
