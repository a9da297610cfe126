import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { deliverWebhook, emitEvents, verifySignature } from '@ksef-hub/pipeline'

import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addTenant, call, openTestGateway, type TestGateway } from '../test-support.ts'

// The test receivers listen on 127.0.0.1, a private address the hub calls only when the operator allows it.
const local = { allowPrivateNetworks: true }

interface Received {
  readonly headers: IncomingMessage['headers']
  readonly body: string
}

/** A tenant's webhook endpoint: records what it receives, answers with the scripted statuses. */
async function receiver(statuses: number[]): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') })
      response.statusCode = statuses.shift() ?? 200
      response.end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received, server }
}

describe.each(testBackends())('webhooks out (%s)', (backend) => {
  let t: TestGateway
  let acme: Awaited<ReturnType<typeof addTenant>>
  let other: Awaited<ReturnType<typeof addTenant>>
  let endpoint: Awaited<ReturnType<typeof receiver>>
  beforeAll(async () => {
    t = await openTestGateway(backend)
    acme = await addTenant(t.context, 'acme', '5265877635')
    other = await addTenant(t.context, 'other', '9999999999')
    endpoint = await receiver([500])
  })
  afterAll(async () => {
    endpoint.server.close()
    await t.close()
  })

  it('subscribes, signs deliveries (HMAC over timestamp.body), retries without re-sending to who acknowledged, and logs every attempt', async () => {
    const created = await call(t.url, 'POST', '/v1/webhooks', {
      apiKey: acme.apiKey,
      json: { url: endpoint.url, events: ['invoice.confirmed', 'invoice.rejected'] },
    })
    expect(created.status).toBe(201)
    const secret = created.json.secret as string
    expect(secret).toMatch(/^whsec_/)
    expect(created.json.subscription).toMatchObject({ url: endpoint.url, enabled: true })
    const listed = await call(t.url, 'GET', '/v1/webhooks', { apiKey: acme.apiKey })
    expect(listed.text).not.toContain(secret)
    expect(listed.json.subscriptions).toHaveLength(1)

    const [eventId] = await t.context.db
      .transaction()
      .execute((trx) =>
        emitEvents(trx, t.context.boss, [
          { tenantId: 'acme', type: 'invoice.confirmed', invoiceId: crypto.randomUUID(), data: { ksefNumber: 'X' } },
        ]),
      )
    const job = { eventId: eventId as string, tenantId: 'acme' }
    // The endpoint fails the first time: the job fails, so pg-boss retries it with backoff.
    await expect(deliverWebhook(t.context, job, local)).rejects.toMatchObject({ code: 'WEBHOOK_DELIVERY_FAILED' })
    await deliverWebhook(t.context, job, local)
    // Acknowledged: a third run (a duplicate job) sends nothing.
    await deliverWebhook(t.context, job, local)
    expect(endpoint.received).toHaveLength(2)
    const last = endpoint.received[1] as Received
    expect(JSON.parse(last.body)).toMatchObject({ id: eventId, type: 'invoice.confirmed', tenantId: 'acme' })
    expect(last.headers['ksef-hub-event-type']).toBe('invoice.confirmed')
    const signature = last.headers['ksef-hub-signature'] as string
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
    expect(verifySignature(secret, signature, last.body)).toBe(true)
    expect(verifySignature(secret, signature, `${last.body} `)).toBe(false)
    expect(verifySignature('whsec_other', signature, last.body)).toBe(false)
    expect(verifySignature(secret, signature, last.body, { now: new Date(Date.now() + 3_600_000) })).toBe(false)

    const log = await call(t.url, 'GET', `/v1/webhooks/deliveries?eventId=${eventId}`, { apiKey: acme.apiKey })
    const deliveries = log.json.deliveries as { attempt: number; outcome: string; responseStatus: number }[]
    expect(deliveries.map((entry) => [entry.attempt, entry.outcome, entry.responseStatus])).toEqual([
      [2, 'succeeded', 200],
      [1, 'failed', 500],
    ])
    const theirs = await call(t.url, 'GET', '/v1/webhooks/deliveries', { apiKey: other.apiKey })
    expect(theirs.json.deliveries).toEqual([])
  })

  it('does not call a private address unless the operator allows it, and tells the tenant only that (no DNS oracle)', async () => {
    const before = endpoint.received.length
    const [eventId] = await t.context.db
      .transaction()
      .execute((trx) => emitEvents(trx, t.context.boss, [{ tenantId: 'acme', type: 'invoice.rejected', data: {} }]))
    const job = { eventId: eventId as string, tenantId: 'acme' }
    // The receiver listens on 127.0.0.1: by default (KSEF_HUB_WEBHOOK_PRIVATE_NETWORKS=block) nothing is sent.
    await expect(deliverWebhook(t.context, job)).rejects.toMatchObject({ code: 'WEBHOOK_DELIVERY_FAILED' })
    expect(endpoint.received.length).toBe(before)
    const log = await call(t.url, 'GET', `/v1/webhooks/deliveries?eventId=${eventId}`, { apiKey: acme.apiKey })
    expect(log.json.deliveries).toEqual([
      expect.objectContaining({ outcome: 'failed', responseStatus: null, error: 'refused: private address' }),
    ])
    expect(log.text).not.toContain('127.0.0.1')
    await deliverWebhook(t.context, job, local)
    expect(endpoint.received.length).toBe(before + 1)
  })

  it('does not deliver events the subscription did not ask for, nor after it ended', async () => {
    const before = endpoint.received.length
    const [stuck] = await t.context.db
      .transaction()
      .execute((trx) => emitEvents(trx, t.context.boss, [{ tenantId: 'acme', type: 'invoice.stuck', data: {} }]))
    await deliverWebhook(t.context, { eventId: stuck as string, tenantId: 'acme' }, local)
    expect(endpoint.received.length).toBe(before)
    const listed = await call(t.url, 'GET', '/v1/webhooks', { apiKey: acme.apiKey })
    const id = (listed.json.subscriptions as { id: string }[])[0]?.id
    expect((await call(t.url, 'DELETE', `/v1/webhooks/${id}`, { apiKey: other.apiKey })).status).toBe(404)
    expect((await call(t.url, 'DELETE', `/v1/webhooks/${id}`, { apiKey: acme.apiKey })).status).toBe(204)
    const [confirmed] = await t.context.db
      .transaction()
      .execute((trx) => emitEvents(trx, t.context.boss, [{ tenantId: 'acme', type: 'invoice.confirmed', data: {} }]))
    await deliverWebhook(t.context, { eventId: confirmed as string, tenantId: 'acme' }, local)
    expect(endpoint.received.length).toBe(before)
  })

  it('refuses a subscription with a bad URL or unknown events', async () => {
    const ftp = await call(t.url, 'POST', '/v1/webhooks', {
      apiKey: acme.apiKey,
      json: { url: 'ftp://example.com/x', events: ['invoice.confirmed'] },
    })
    expect(ftp.json).toMatchObject({ status: 400, code: 'REQUEST_INVALID', field: 'url' })
    const unknown = await call(t.url, 'POST', '/v1/webhooks', {
      apiKey: acme.apiKey,
      json: { url: 'https://example.com/x', events: ['invoice.eaten'] },
    })
    expect(unknown.json).toMatchObject({ status: 400, field: 'events.0' })
  })
})
