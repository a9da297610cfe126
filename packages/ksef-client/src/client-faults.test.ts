import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { KsefAmbiguousError, KsefTransientError } from './errors/ksef-error.ts'
import { type FakeKsef, startFakeKsef } from './testing/fake-ksef.ts'
import { sampleInvoice } from './testing/sample-invoice.ts'
import { fakeClient } from './testing/test-client.ts'

let fake: FakeKsef
beforeAll(async () => {
  fake = await startFakeKsef()
})
afterAll(async () => fake.close())
afterEach(() => {
  fake.faults.length = 0
  fake.settings.rotated = false
})

const count = (pattern: RegExp) =>
  fake.requests.filter((request) => pattern.test(`${request.method} ${request.path}`)).length
const SEND = /^POST \/sessions\/online\/[^/]+\/invoices$/

describe('faults produce the right error class', () => {
  it('429 with Retry-After is waited out and the call repeated (even a send: KSeF refused it)', async () => {
    const client = fakeClient(fake)
    await client.sessions.current()
    const before = count(SEND)
    fake.faults.push({
      match: SEND,
      times: 1,
      action: {
        kind: 'status',
        status: 429,
        headers: { 'retry-after': '1' },
        body: '{"title":"Too Many Requests","status":429}',
      },
    })
    const started = Date.now()
    const sent = await client.sendInvoice(sampleInvoice({ number: `FV/429/${Date.now()}` }))
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
    expect(sent.referenceNumber).toHaveLength(36)
    expect(count(SEND) - before).toBe(2)
  })

  it('a Retry-After longer than the client waits is handed to the caller as transient with retryAfterMs', async () => {
    const client = fakeClient(fake)
    await client.sessions.current()
    fake.faults.push({
      match: SEND,
      times: 1,
      action: { kind: 'status', status: 429, headers: { 'retry-after': '120' } },
    })
    const error = await client
      .sendInvoice(sampleInvoice({ number: `FV/429L/${Date.now()}` }))
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(KsefTransientError)
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 120_000, httpStatus: 429 })
  })

  it('an outage (503) on a send is transient and not repeated inside the client', async () => {
    const client = fakeClient(fake)
    await client.sessions.current()
    const before = count(SEND)
    fake.faults.push({
      match: SEND,
      times: 5,
      action: { kind: 'status', status: 503, body: '{"title":"Service Unavailable","status":503}' },
    })
    await expect(client.sendInvoice(sampleInvoice({ number: `FV/503/${Date.now()}` }))).rejects.toMatchObject({
      errorClass: 'transient',
      code: 'HTTP_503',
    })
    expect(count(SEND) - before).toBe(1)
  })

  it('an outage on a read is repeated with backoff and then succeeds', async () => {
    const client = fakeClient(fake)
    const session = await client.sessions.current()
    fake.faults.push({
      match: /^GET \/sessions\/[^/]+$/,
      times: 2,
      action: {
        kind: 'status',
        status: 502,
        contentType: 'text/html',
        body: '<html><title>502 Bad Gateway</title></html>',
      },
    })
    const status = await client.getSessionStatus(session.referenceNumber)
    expect(status.status.code).toBe(100)
  })

  it('a dropped response after the send reached KSeF is ambiguous and is not sent twice', async () => {
    const client = fakeClient(fake)
    const session = await client.sessions.current()
    const before = count(SEND)
    const invoicesBefore = fake.sessions.get(session.referenceNumber)?.invoices.length ?? 0
    fake.faults.push({ match: SEND, times: 1, action: { kind: 'drop-response' } })
    const error = await client
      .sendInvoice(sampleInvoice({ number: `FV/DROP/${Date.now()}` }))
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(KsefAmbiguousError)
    expect((error as KsefAmbiguousError).code).toBe('CONNECTION_RESET')
    expect(count(SEND) - before).toBe(1)
    // KSeF did act on it: that is why the caller must reconcile.
    expect(fake.sessions.get(session.referenceNumber)?.invoices.length).toBe(invoicesBefore + 1)
  })

  it('a timeout after sending is ambiguous; a timeout on a read is transient', async () => {
    const client = fakeClient(fake, { retry: { maxAttempts: 1 } })
    const session = await client.sessions.current()
    fake.faults.push({ match: SEND, times: 1, action: { kind: 'delay', ms: 500 } })
    await expect(
      client.sendInvoice(sampleInvoice({ number: `FV/TO/${Date.now()}` }), { timeoutMs: 150 }),
    ).rejects.toMatchObject({
      errorClass: 'ambiguous',
      code: 'TIMEOUT',
    })
    fake.faults.push({ match: /^GET \/sessions\/[^/]+$/, times: 1, action: { kind: 'delay', ms: 500 } })
    await expect(client.getSessionStatus(session.referenceNumber, { timeoutMs: 150 })).rejects.toMatchObject({
      errorClass: 'transient',
      code: 'TIMEOUT',
    })
  })

  it('an abort after sending is ambiguous', async () => {
    const client = fakeClient(fake)
    await client.sessions.current()
    fake.faults.push({ match: SEND, times: 1, action: { kind: 'delay', ms: 500 } })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    await expect(
      client.sendInvoice(sampleInvoice({ number: `FV/AB/${Date.now()}` }), { signal: controller.signal }),
    ).rejects.toMatchObject({
      errorClass: 'ambiguous',
      code: 'ABORTED',
    })
  })

  it('a connection refused is transient (nothing was sent)', async () => {
    const client = fakeClient({ ...fake, url: 'http://127.0.0.1:1/v2' }, { retry: { maxAttempts: 1 } })
    await expect(client.login()).rejects.toMatchObject({ errorClass: 'transient', code: 'CONNECTION_REFUSED' })
  })

  it('a 401 on a call refreshes the token once and repeats the call', async () => {
    const client = fakeClient(fake)
    const session = await client.sessions.current()
    const refreshes = count(/^POST \/auth\/token\/refresh$/)
    fake.faults.push({
      match: /^GET \/sessions\/[^/]+$/,
      times: 1,
      action: { kind: 'status', status: 401, body: '{"title":"Unauthorized","status":401}' },
    })
    expect((await client.getSessionStatus(session.referenceNumber)).status.code).toBe(100)
    expect(count(/^POST \/auth\/token\/refresh$/)).toBe(refreshes + 1)
  })

  it('a key rotation (21470) refetches the public keys and opens the session with the new key', async () => {
    const client = fakeClient(fake)
    await client.login()
    await client.keys.get('SymmetricKeyEncryption')
    fake.settings.rotated = true
    const keyFetches = count(/^GET \/security\/public-key-certificates$/)
    const session = await client.openOnlineSession()
    expect(session.referenceNumber).toHaveLength(36)
    expect(count(/^GET \/security\/public-key-certificates$/)).toBe(keyFetches + 1)
  })

  it('a wrong base URL is a configuration error', async () => {
    const client = fakeClient({ ...fake, url: fake.url.replace('/v2', '/v9') })
    await expect(client.login()).rejects.toMatchObject({ errorClass: 'configuration', code: 'NOT_FOUND' })
  })
})

describe('client-side rate limiting', () => {
  it('keeps requests within the group budget instead of meeting 429', async () => {
    const client = fakeClient(fake, { rateLimiter: { limits: { invoiceStatus: { perSecond: 5 } } } })
    const session = await client.sessions.current()
    const sent = await client.sendInvoice(sampleInvoice({ number: `FV/RL/${Date.now()}` }))
    const started = Date.now()
    for (let i = 0; i < 10; i += 1) await client.getInvoiceStatus(session.referenceNumber, sent.referenceNumber)
    // 10 calls at 5 per second: the second five wait for the first second to pass.
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
  })

  it('loads the effective limits from GET /rate-limits', async () => {
    const client = fakeClient(fake, { rateLimiter: { limits: 'official' } })
    await client.loadRateLimits()
    expect(client.limiter.limitsOf('invoiceSend')).toEqual({ perSecond: 5, perMinute: 10, perHour: 100 })
    expect(client.limiter.limitsOf('invoiceStatus')).toEqual({ perSecond: 30, perMinute: 120, perHour: 1200 })
  })
})
