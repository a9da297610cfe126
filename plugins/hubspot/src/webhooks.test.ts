import { readFileSync } from 'node:fs'
import { receiveWebhook, type WebhookContext, type WebhookRequest } from '@ksef-hub/connector-sdk'
import { createMemoryReplayGuard } from '@ksef-hub/connector-sdk/testing'
import { describe, expect, it } from 'vitest'
import hubspotConnector from './index.ts'
import { type Secrets, type Settings, settingsSchema } from './settings.ts'
import { settingsFor, TENANT } from './test-context.ts'
import { signatureV3, signedUrls, webhooks } from './webhooks.ts'

interface Vector {
  readonly system: string
  readonly key: string
  readonly method: string
  readonly url: string
  readonly timestamp: string
  readonly body: string
  readonly headers: Record<string, string>
}

// The signed samples (checked against a second implementation), as the fake's contract keeps them.
const vectors = JSON.parse(readFileSync(new URL('../fake/contract/webhook-vectors.json', import.meta.url), 'utf8')) as {
  vectors: Vector[]
}
const vector = vectors.vectors.find((candidate) => candidate.system === 'hubspot') as Vector

const settings = settingsSchema.parse(settingsFor('https://api.hubapi.com')) as Settings
const signedAt = new Date(Number(vector.timestamp))

function contextAt(now: Date, secret = vector.key): WebhookContext<Settings, Secrets> {
  const logger = { debug() {}, info() {}, warn() {}, error() {} }
  return {
    tenant: TENANT,
    connection: { id: 'c1', name: 'hubspot' },
    settings,
    secrets: { clientSecret: secret },
    logger,
    now: () => now,
  }
}

function request(overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  const headers = Object.fromEntries(Object.entries(vector.headers).map(([name, value]) => [name.toLowerCase(), value]))
  return {
    method: vector.method,
    url: vector.url,
    headers,
    rawBody: new TextEncoder().encode(vector.body),
    ...overrides,
  }
}

describe('HubSpot v3 webhook signatures', () => {
  it('computes the vector’s signature and accepts the signed sample', async () => {
    expect(
      signatureV3(vector.key, vector.method, vector.url, new TextEncoder().encode(vector.body), vector.timestamp),
    ).toBe(vector.headers['X-HubSpot-Signature-v3'])
    expect(await webhooks.verify(request(), contextAt(signedAt))).toEqual({ ok: true })
  })

  it('refuses altered copies: body, URL, method, timestamp, signature, key', async () => {
    const tampered = new TextEncoder().encode(vector.body.replace('"open"', '"paid"'))
    const checks: WebhookRequest[] = [
      request({ rawBody: tampered }),
      request({ url: `${vector.url}?x=1` }),
      request({ method: 'PUT' }),
      request({
        headers: { ...request().headers, 'x-hubspot-request-timestamp': String(Number(vector.timestamp) + 1) },
      }),
      request({
        headers: {
          ...request().headers,
          'x-hubspot-signature-v3': `A${vector.headers['X-HubSpot-Signature-v3']?.slice(1)}`,
        },
      }),
      request({ headers: { ...request().headers, 'x-hubspot-signature-v3': '' } }),
    ]
    for (const check of checks) expect((await webhooks.verify(check, contextAt(signedAt))).ok).toBe(false)
    expect((await webhooks.verify(request(), contextAt(signedAt, 'another-secret'))).ok).toBe(false)
    expect((await webhooks.verify(request(), { ...contextAt(signedAt), secrets: {} })).ok).toBe(false)
  })

  it('refuses a timestamp over 5 minutes old', async () => {
    expect((await webhooks.verify(request(), contextAt(new Date(signedAt.getTime() + 299_000)))).ok).toBe(true)
    expect(await webhooks.verify(request(), contextAt(new Date(signedAt.getTime() + 301_000)))).toEqual({
      ok: false,
      reason: 'the request timestamp is missing or over 5 minutes old',
    })
  })

  it('tries the public URL a proxy forwards, and HubSpot’s decoded characters', async () => {
    const inside = request({
      url: 'http://10.0.0.5:3000/webhooks/hubspot',
      headers: { ...request().headers, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'hub.example.com' },
    })
    expect(signedUrls(inside)).toEqual(['http://10.0.0.5:3000/webhooks/hubspot', vector.url])
    expect(await webhooks.verify(inside, contextAt(signedAt))).toEqual({ ok: true })
    expect(signedUrls(request({ url: 'https://h.example/a%3Ab?c=%40' }))).toEqual(['https://h.example/a:b?c=@'])
  })
})

describe('HubSpot webhook deliveries', () => {
  it('names the portal and the invoices, with a delivery id of the event ids', async () => {
    const parsed = await webhooks.parse(request(), contextAt(signedAt))
    expect(parsed.events).toEqual([{ account: '146512345', refs: ['391820334561'] }])
    const events = [
      {
        eventId: 2,
        portalId: 146512345,
        subscriptionType: 'object.propertyChange',
        objectId: 11,
        objectTypeId: '0-53',
      },
      {
        eventId: 1,
        portalId: 146512345,
        subscriptionType: 'company.propertyChange',
        objectId: 12,
        objectTypeId: '0-2',
      },
      { eventId: 3, portalId: 999, subscriptionType: 'object.creation', objectId: 13, objectTypeId: '0-53' },
    ]
    const body = (list: unknown[]) => ({ rawBody: new TextEncoder().encode(JSON.stringify(list)) })
    const first = await webhooks.parse(request(body(events)), contextAt(signedAt))
    const again = await webhooks.parse(request(body([...events].reverse())), contextAt(signedAt))
    expect(again.deliveryId).toBe(first.deliveryId)
    expect(first.events).toEqual([
      { account: '146512345', refs: ['11'] },
      { account: '999', refs: ['13'] },
    ])
  })

  it('is acted on once through the SDK’s reception (the replay guard sees one delivery id)', async () => {
    const guard = createMemoryReplayGuard()
    const context = contextAt(signedAt)
    const first = await receiveWebhook(hubspotConnector, request(), context, guard)
    const second = await receiveWebhook(hubspotConnector, request(), context, guard)
    expect(first.kind).toBe('accepted')
    expect(second.kind).toBe('replayed')
  })
})
