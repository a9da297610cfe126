import { serve } from '@hono/node-server'
import { testBackends } from '@ksef-hub/pipeline/testing'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addTenant, openTestGateway, type TestGateway, unfinishedRequest } from '../../test-support.ts'
import { limitBodies, limitBody } from './index.ts'

const LIMITS = { single: 20_000, bulk: 50_000, other: 10_000 }
const ID = '0190f5c2-3b1e-7c4d-9a2b-000000000001'

// Every route, with the limit it must keep: a body over it is refused before the rest of it is read.
const ROUTES: [string, string, number][] = [
  ['POST', '/v1/webhooks', LIMITS.other],
  ['PUT', '/v1/tenant/credentials', LIMITS.other],
  ['POST', '/v1/invoices/replay-dead', LIMITS.other],
  ['POST', '/v1/reconciliations', LIMITS.other],
  ['DELETE', `/v1/webhooks/${ID}`, LIMITS.other],
  ['GET', '/v1/invoices', LIMITS.other],
  ['POST', '/v1/invoices', LIMITS.single],
  ['POST', `/v1/invoices/${ID}/retry`, LIMITS.single],
  ['POST', '/v1/invoices/bulk', LIMITS.bulk],
  ['GET', '/healthz', LIMITS.other],
]

describe.each(testBackends())('every route bounds its body (%s)', (backend) => {
  let t: TestGateway
  let apiKey: string
  beforeAll(async () => {
    t = await openTestGateway(backend, { options: { bodyLimit: LIMITS } })
    apiKey = (await addTenant(t.context, 'acme', '5265877635')).apiKey
  })
  afterAll(() => t.close())

  const headers = (extra: Record<string, string>) => ({
    authorization: `Bearer ${apiKey}`,
    'content-type': 'application/json',
    ...extra,
  })

  it.each(ROUTES)(
    '%s %s: a declared length over the limit is refused before a byte of the body is read',
    async (method, path) => {
      const answer = await unfinishedRequest(t.url, method, path, headers({ 'content-length': '300000000' }), [
        new Uint8Array(1_000).fill(0x20),
      ])
      expect(answer.status).toBe(413)
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', field: 'body' })
    },
  )

  it.each(ROUTES)(
    '%s %s: a chunked body is refused as it passes the limit, before the rest is sent',
    async (method, path, limit) => {
      const chunk = new Uint8Array(1_000).fill(0x20)
      const chunks = Array.from({ length: Math.ceil(limit / chunk.length) + 1 }, () => chunk)
      const answer = await unfinishedRequest(t.url, method, path, headers({ 'transfer-encoding': 'chunked' }), chunks)
      expect(answer.status).toBe(413)
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
    },
  )

  it('hands a chunked body under the limit to the route whole, also through a route that limits its own', async () => {
    const app = new Hono()
    app.use(limitBodies(LIMITS))
    app.post('/v1/echo', limitBody(LIMITS.other), async (c) => c.text(String((await c.req.arrayBuffer()).byteLength)))
    const server = serve({ fetch: app.fetch, port: 0 })
    await new Promise((resolve) => server.once('listening', resolve))
    try {
      const port = (server.address() as { port: number }).port
      const bytes = new Uint8Array(LIMITS.other - 10).fill(0x61)
      const response = await fetch(`http://127.0.0.1:${port}/v1/echo`, {
        method: 'POST',
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(bytes.subarray(0, 1_000))
            controller.enqueue(bytes.subarray(1_000))
            controller.close()
          },
        }),
        duplex: 'half',
      } as RequestInit)
      expect(await response.text()).toBe(String(bytes.length))
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
