import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Signature } from '@hubspot/api-client'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { contractClient } from './contract-check.ts'
import { type FakeHubSpot, type FakeHubSpotOptions, signV3, startFakeHubSpot, type WebhookEvent } from './index.ts'
import { signedHeaders } from './signature.ts'

interface Vector {
  readonly system: string
  readonly key: string
  readonly method: string
  readonly url: string
  readonly timestamp: string
  readonly body: string
  readonly headers: Readonly<Record<string, string>>
}

const vectors = (
  JSON.parse(readFileSync(new URL('./contract/webhook-vectors.json', import.meta.url), 'utf8')) as { vectors: Vector[] }
).vectors.filter((vector) => vector.system === 'hubspot')

/** The hub's endpoint: records each POST's exact bytes and headers, answers with the statuses it is given. */
interface Received {
  readonly url: string
  readonly headers: Record<string, string>
  readonly body: string
}

let receiver: { url: string; calls: Received[]; statuses: { status: number; retryAfter?: string }[] }
let server: Server
let fake: FakeHubSpot | undefined

beforeEach(async () => {
  const calls: Received[] = []
  const statuses: { status: number; retryAfter?: string }[] = []
  server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]))
      calls.push({ url: request.url ?? '', headers, body: Buffer.concat(chunks).toString('utf8') })
      const next = statuses.shift() ?? { status: 204 }
      response.writeHead(next.status, next.retryAfter ? { 'retry-after': next.retryAfter } : {}).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  receiver = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/hubspot?c=1`, calls, statuses }
})
afterEach(async () => {
  await fake?.close()
  fake = undefined
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

async function start(options: FakeHubSpotOptions = {}) {
  fake = await startFakeHubSpot({ seed: 3, webhooks: { targetUrl: receiver.url, automatic: false }, ...options })
  return fake
}

const eventsOf = (call: Received) => JSON.parse(call.body) as WebhookEvent[]

describe('the v3 signature', () => {
  it('reproduces the signatures of the vectors, as the SDK`s own implementation does', () => {
    expect(vectors.length).toBeGreaterThan(0)
    for (const vector of vectors) {
      const expected = vector.headers['X-HubSpot-Signature-v3']
      expect(signV3(vector.key, vector.method, vector.url, vector.body, vector.timestamp)).toBe(expected)
      expect(
        signV3(vector.key, vector.method, vector.url, new TextEncoder().encode(vector.body), Number(vector.timestamp)),
      ).toBe(expected)
      const sdk = Signature.getSignature(vector.method, 'v3', {
        clientSecret: vector.key,
        requestBody: vector.body,
        url: vector.url,
        timestamp: Number(vector.timestamp),
        signature: '',
      })
      expect(sdk).toBe(expected)
      // The headers the fake's deliveries carry, computed by the same path.
      expect(signedHeaders(vector.key, vector.method, vector.url, vector.body, Number(vector.timestamp))).toMatchObject(
        vector.headers,
      )
      expect(signV3(vector.key, vector.method, vector.url, `${vector.body} `, vector.timestamp)).not.toBe(expected)
      expect(signV3('another-secret', vector.method, vector.url, vector.body, vector.timestamp)).not.toBe(expected)
    }
  })
})

describe('deliveries', () => {
  it('POSTs invoice events to the app`s URL, signed over the exact bytes, carrying the portal and the app', async () => {
    const fake = await start()
    const id = fake.createInvoice()
    fake.touch(id, { hs_invoice_status: 'paid' })
    expect(fake.pendingWebhooks().map((event) => event.subscriptionType)).toEqual([
      'object.creation',
      'object.propertyChange',
    ])
    const [delivery] = await fake.flushWebhooks()
    expect(delivery?.status).toBe(204)
    const [call] = receiver.calls
    const timestamp = call!.headers['x-hubspot-request-timestamp']!
    expect(call!.headers['x-hubspot-signature-v3']).toBe(
      signV3(fake.clientSecret, 'POST', receiver.url, call!.body, timestamp),
    )
    expect(
      Signature.isValid({
        signatureVersion: 'v3',
        method: 'POST',
        clientSecret: fake.clientSecret,
        requestBody: call!.body,
        url: receiver.url,
        timestamp: Number(timestamp),
        signature: call!.headers['x-hubspot-signature-v3']!,
      }),
    ).toBe(true)
    expect(Number(timestamp)).toBe(delivery?.at)
    expect(eventsOf(call!)).toEqual([
      expect.objectContaining({
        subscriptionType: 'object.creation',
        portalId: fake.portalId,
        appId: fake.appId,
        objectId: Number(id),
        objectTypeId: '0-53',
        attemptNumber: 0,
        changeSource: 'CRM_UI',
      }),
      expect.objectContaining({
        subscriptionType: 'object.propertyChange',
        objectId: Number(id),
        propertyName: 'hs_invoice_status',
        propertyValue: 'paid',
      }),
    ])
    expect(new Set(eventsOf(call!).map((event) => event.eventId)).size).toBe(2)
  })

  it('batches up to 100 events a POST', async () => {
    const fake = await start()
    const id = fake.createInvoice()
    for (let index = 0; index < 249; index++) fake.touch(id)
    const deliveries = await fake.flushWebhooks()
    expect(deliveries.map((delivery) => delivery.events.length)).toEqual([100, 100, 50])
    expect(receiver.calls).toHaveLength(3)
  })

  it('tries a failed POST again later with the same events, counting attemptNumber up; never after a 4xx like 400', async () => {
    const fake = await start()
    receiver.statuses.push({ status: 500 }, { status: 429, retryAfter: '30' })
    const id = fake.createInvoice()
    await fake.flushWebhooks()
    expect(await fake.flushWebhooks()).toEqual([])
    fake.clock.advance(60_000)
    await fake.flushWebhooks()
    fake.clock.advance(29_000)
    expect(await fake.flushWebhooks()).toEqual([])
    fake.clock.advance(1_000)
    await fake.flushWebhooks()
    const sent = receiver.calls.map((call) => eventsOf(call).map((event) => [event.eventId, event.attemptNumber]))
    expect(sent).toEqual([
      sent[0]!.map(([eventId]) => [eventId, 0]),
      sent[0]!.map(([eventId]) => [eventId, 1]),
      sent[0]!.map(([eventId]) => [eventId, 2]),
    ])
    expect(fake.pendingWebhooks()).toEqual([])
    receiver.statuses.push({ status: 400 })
    fake.touch(id)
    await fake.flushWebhooks()
    fake.clock.advance(24 * 3600_000)
    expect(await fake.flushWebhooks()).toEqual([])
  })

  it('delivers on its own by default; API writes of subscribed properties notify, of others do not', async () => {
    const fake = await start({ webhooks: { targetUrl: receiver.url } })
    const [id] = fake.seed({ drafts: 1 }).drafts
    await contractClient(fake).call('POST', '/crm/v3/properties/invoices', {
      json: { name: 'ksef_number', label: 'KSeF', type: 'string', fieldType: 'text', groupName: 'invoiceinformation' },
    })
    const patch = (properties: Record<string, string>) =>
      contractClient(fake).call('PATCH', `/crm/v3/objects/invoices/${id}`, { json: { properties } })
    await patch({ ksef_number: 'x' })
    await patch({ hs_invoice_status: 'open' })
    await vi.waitFor(() => expect(receiver.calls).toHaveLength(1), { timeout: 2000, interval: 20 })
    expect(eventsOf(receiver.calls[0]!)).toEqual([
      expect.objectContaining({
        propertyName: 'hs_invoice_status',
        propertyValue: 'open',
        changeSource: 'INTEGRATION',
        sourceId: String(fake.appId),
      }),
    ])
  })

  it('builds signed deliveries for the conformance kit: distinct event ids, any portal, any instant', async () => {
    const fake = await start()
    const [first, second] = fake.seed({ invoices: 2 }).invoices as [string, string]
    const url = 'https://hub.example.com/webhooks/hubspot'
    const request = fake.webhookRequest(url, [first, second])
    const text = new TextDecoder().decode(request.rawBody)
    expect(request.headers['x-hubspot-signature-v3']).toBe(
      signV3(fake.clientSecret, 'POST', url, text, request.headers['x-hubspot-request-timestamp']!),
    )
    expect(Math.abs(Number(request.headers['x-hubspot-request-timestamp']) - fake.clock.now().getTime())).toBeLessThan(
      1000,
    )
    const events = JSON.parse(text) as WebhookEvent[]
    expect(events.map((event) => [event.objectId, event.propertyName, event.portalId])).toEqual([
      [Number(first), 'hs_invoice_status', fake.portalId],
      [Number(second), 'hs_invoice_status', fake.portalId],
    ])
    const other = JSON.parse(
      new TextDecoder().decode(
        fake.webhookRequest(url, [first], { portalId: 7, timestamp: 1000, subscriptionType: 'object.creation' })
          .rawBody,
      ),
    ) as WebhookEvent[]
    expect(other[0]).toMatchObject({ portalId: 7, subscriptionType: 'object.creation' })
    expect(other[0]?.eventId).not.toBe(events[0]?.eventId)
  })
})
