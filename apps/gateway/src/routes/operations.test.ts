import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { connectorRegistry, rotateApiKey, saveConnection } from '@ksef-hub/pipeline'
import { testBackends, testConnector } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGatewayAppHandle } from '../app.ts'
import { addTenant, call, openTestGateway, type TestGateway } from '../test-support.ts'

describe.each(testBackends())('operations, authentication and limits over HTTP (%s)', (backend) => {
  let t: TestGateway
  let acme: Awaited<ReturnType<typeof addTenant>>
  beforeAll(async () => {
    t = await openTestGateway(backend, {
      options: {
        rateLimit: { requestsPerSecond: 1, burst: 30 },
        bodyLimit: { single: 20_000, bulk: 50_000, other: 10_000 },
        authCacheMs: 0,
      },
    })
    acme = await addTenant(t.context, 'acme', '5265877635')
  })
  afterAll(() => t.close())

  it('answers liveness, readiness (database and queue) and Prometheus metrics', async () => {
    expect((await call(t.url, 'GET', '/healthz')).json).toEqual({ status: 'ok' })
    const ready = await call(t.url, 'GET', '/readyz')
    expect(ready.status).toBe(200)
    expect(ready.json).toEqual({ status: 'ready', checks: { database: 'ok', queue: 'ok' } })
    await call(t.url, 'GET', '/v1/invoices', { apiKey: acme.apiKey })
    const metrics = await call(t.url, 'GET', '/metrics')
    expect(metrics.headers.get('content-type')).toContain('text/plain')
    expect(metrics.text).toMatch(/ksef_hub_http_requests_total\{method="GET",route="\/v1\/invoices",status="200"\} 1/)
    expect(metrics.text).toContain('ksef_hub_http_request_duration_seconds_bucket')
  })

  it('serves the OpenAPI 3.1 document generated from the routes, and its interactive page', async () => {
    const doc = await call(t.url, 'GET', '/openapi.json')
    expect(doc.json.openapi).toBe('3.1.0')
    const paths = Object.keys(doc.json.paths as object)
    for (const path of [
      '/v1/invoices',
      '/v1/invoices/bulk',
      '/v1/invoices/{id}',
      '/v1/invoices/{id}/xml',
      '/v1/invoices/{id}/upo',
      '/v1/invoices/{id}/qr',
      '/v1/invoices/{id}/retry',
      '/v1/invoices/replay-dead',
      '/v1/reconciliations',
      '/v1/reconciliations/latest',
      '/v1/incoming',
      '/v1/incoming/{id}',
      '/v1/incoming/{id}/xml',
      '/v1/webhooks',
      '/v1/webhooks/{id}',
      '/v1/webhooks/deliveries',
      '/v1/tenant',
      '/v1/tenant/credentials',
      '/v1/connectors/{connector}/{tenantId}/webhook',
      '/v1/connectors',
      '/v1/connections',
      '/v1/connections/{id}',
      '/v1/connections/{id}/sync',
      '/v1/connections/{id}/documents',
    ]) {
      expect(paths, path).toContain(path)
    }
    const docs = await call(t.url, 'GET', '/docs')
    expect(docs.status).toBe(200)
    expect(docs.text).toContain('/openapi.json')
  })

  it('refuses a missing, malformed, unknown or revoked API key with 401 problem+json', async () => {
    const none = await call(t.url, 'GET', '/v1/invoices')
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toContain('Bearer')
    expect(none.json).toMatchObject({ code: 'UNAUTHENTICATED', type: 'https://ksef-hub.dev/problems/unauthenticated' })
    expect((await call(t.url, 'GET', '/v1/invoices', { apiKey: 'nonsense' })).status).toBe(401)
    const forged = `${acme.apiKey.slice(0, -1)}${acme.apiKey.endsWith('a') ? 'b' : 'a'}`
    expect((await call(t.url, 'GET', '/v1/invoices', { apiKey: forged })).status).toBe(401)
    const rotating = await addTenant(t.context, 'rotating', '9999999999')
    const { apiKey } = await rotateApiKey(t.context.db, 'rotating')
    expect((await call(t.url, 'GET', '/v1/invoices', { apiKey: rotating.apiKey })).status).toBe(401)
    expect((await call(t.url, 'GET', '/v1/invoices', { apiKey })).status).toBe(200)
  })

  it('answers unknown routes and oversized bodies with problem+json', async () => {
    const missing = await call(t.url, 'GET', '/nowhere')
    expect(missing.json).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND' })
    const big = typicalInvoice({ sellerNip: '5265877635', number: 'FV/BIG', lines: 200 })
    const tooLarge = await call(t.url, 'POST', '/v1/invoices', { apiKey: acme.apiKey, json: big })
    expect(tooLarge.json).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' })
  })

  it('answers a request that takes too long with 503 TIMEOUT problem+json', async () => {
    // A connector whose webhook check takes 300 ms, behind a 50 ms request timeout.
    const registry = connectorRegistry([testConnector('sleepy', { writeBacks: [] }, { verifyDelayMs: 300 })])
    const slow = await openTestGateway(backend, {
      connectors: registry,
      options: { timeoutMs: { request: 50, bulk: 120_000 } },
    })
    try {
      await addTenant(slow.context, 'slow', '5265877635')
      await saveConnection(slow.context.db, slow.context.keys, registry, 'slow', {
        connector: 'sleepy',
        secrets: { accessToken: 'token' },
      })
      const answer = await call(slow.url, 'POST', '/v1/connectors/sleepy/slow/webhook', { json: {} })
      expect(answer.json).toMatchObject({ status: 503, code: 'TIMEOUT' })
    } finally {
      await new Promise((resolve) => setTimeout(resolve, 300))
      await slow.close()
    }
  })

  it('limits the request rate per tenant, with Retry-After', async () => {
    const limited = await addTenant(t.context, 'limited', '1111111111')
    const answers = []
    for (let n = 0; n < 35; n++) answers.push(await call(t.url, 'GET', '/v1/tenant', { apiKey: limited.apiKey }))
    const refused = answers.filter((answer) => answer.status === 429)
    expect(refused.length).toBeGreaterThanOrEqual(4)
    expect(refused[0]?.json).toMatchObject({ code: 'RATE_LIMITED' })
    expect(Number(refused[0]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(answers[0]?.headers.get('ratelimit-remaining')).toBe('29')
    // Another tenant has its own budget.
    expect((await call(t.url, 'GET', '/v1/tenant', { apiKey: acme.apiKey })).status).toBe(200)
  })

  it('shares a tenant budget between gateway processes: two of them admit one burst, not two', async () => {
    const shared = await addTenant(t.context, 'shared', '2222222222')
    // A second gateway on the same database, as a deployment scaled to two processes runs it.
    const other = createGatewayAppHandle({
      context: t.context,
      options: { accessLog: false, authCacheMs: 0, rateLimit: { requestsPerSecond: 1, burst: 30 } },
    })
    const statuses: number[] = []
    for (let n = 0; n < 30; n++) {
      statuses.push((await call(t.url, 'GET', '/v1/tenant', { apiKey: shared.apiKey })).status)
      const answer = await other.app.request('/v1/tenant', { headers: { authorization: `Bearer ${shared.apiKey}` } })
      statuses.push(answer.status)
    }
    const admitted = statuses.filter((status) => status === 200).length
    // The burst of 30, and what refilled at 1 a second while the 60 requests ran.
    expect(admitted).toBeGreaterThanOrEqual(30)
    expect(admitted).toBeLessThanOrEqual(35)
    expect(statuses.filter((status) => status === 429).length).toBe(60 - admitted)
  })

  it('closes gracefully: readiness turns 503 when draining, and a request in flight still completes', async () => {
    const handle = createGatewayAppHandle({ context: t.context, options: { accessLog: false } })
    handle.drain()
    const draining = await handle.app.request('/readyz')
    expect(draining.status).toBe(503)
    expect(await draining.json()).toMatchObject({ checks: { gateway: 'shutting down' } })

    const own = await openTestGateway(backend)
    try {
      const tenant = await addTenant(own.context, 'closing', '5265877635')
      const invoices = Array.from({ length: 300 }, (_, n) => ({
        invoice: typicalInvoice({ sellerNip: '5265877635', number: `FV/CLOSE/${n}`, lines: 1 }),
      }))
      const inFlight = call(own.url, 'POST', '/v1/invoices/bulk', { apiKey: tenant.apiKey, json: { invoices } })
      await new Promise((resolve) => setTimeout(resolve, 50))
      await own.gateway.close()
      const answer = await inFlight
      expect(answer.status).toBe(200)
      expect(answer.json.accepted).toBe(300)
      await expect(fetch(`${own.url}/healthz`)).rejects.toThrow()
    } finally {
      await own.context.close()
    }
  })
})
