import { afterEach, describe, expect, it } from 'vitest'
import { contractClient, contractProblems } from './contract-check.ts'
import { type FakeBc, type FakeBcOptions, startFakeBc } from './index.ts'

let bc: FakeBc | undefined

async function start(options: FakeBcOptions = {}) {
  bc = await startFakeBc({ companies: 1, ...options })
  const api = contractClient(bc)
  const companyId = bc.companies[0]!.id
  return { bc, api, companyId, companies: `/companies(${companyId})/companyInformation` }
}
afterEach(async () => {
  await bc?.close()
  bc = undefined
})

const code = (body: unknown) => (body as { error: { code: string } }).error.code

describe('injected faults', () => {
  it('answer 429 with and without Retry-After, 500 and 503 with BC bodies, then recover', async () => {
    const { bc, api, companies } = await start()
    await api.call('GET', companies) // the token first: faults leave the token endpoint alone
    bc.failNext('429', 1, undefined, { retryAfterSeconds: 7 })
    bc.failNext('429-no-retry-after')
    bc.failNext('500')
    bc.failNext('503')
    const limited = await api.call('GET', companies)
    expect([limited.status, limited.headers.get('retry-after'), code(limited.body), limited.problems]).toEqual([
      429,
      '7',
      'Application_TooManyRequests',
      [],
    ])
    const bare = await api.call('GET', companies)
    expect([bare.status, bare.headers.get('retry-after')]).toEqual([429, null])
    expect((await api.call('GET', companies)).status).toBe(500)
    const down = await api.call('GET', companies)
    expect([down.status, down.problems]).toEqual([503, []])
    expect((await api.call('GET', companies)).status).toBe(200)
    expect(bc.requests.slice(-5).map((request) => request.status)).toEqual([429, 429, 500, 503, 200])
  })

  it('match a method and path, and the token endpoint only when asked', async () => {
    const { bc, api, companies } = await start()
    bc.failNext('503', 1, { method: 'POST', path: /documentAttachments/ })
    bc.failNext('401', 1, { path: '/oauth2/v2.0/token' })
    const token = await tokenAnswer(bc, { grant_type: 'client_credentials' })
    expect([token.status, token.body.error]).toEqual([401, 'invalid_client'])
    expect((await api.call('GET', companies)).status).toBe(200)
    const attach = await api.call('POST', `/companies(${bc.companies[0]!.id})/documentAttachments`, { json: {} })
    expect(attach.status).toBe(503)
  })

  it('slow: answers after its delay (past a client timeout), the write done at once', async () => {
    const { bc, api, companyId } = await start()
    const vendorId = ((await api.call('GET', `/companies(${companyId})/vendors`)).body as { value: { id: string }[] })
      .value[0]!.id
    bc.failNext('slow', 1, undefined, { delayMs: 400 })
    const started = Date.now()
    const slow = fetch(`${bc.apiBase}/companies(${companyId})/purchaseInvoices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: await bearer(bc) },
      body: JSON.stringify({ vendorId, vendorInvoiceNumber: 'SLOW/1' }),
      signal: AbortSignal.timeout(100),
    })
    await expect(slow).rejects.toThrow()
    expect(Date.now() - started).toBeLessThan(350)
    expect(bc.purchaseInvoices(companyId).map((invoice) => invoice.entity.vendorInvoiceNumber)).toEqual(['SLOW/1'])
    bc.failNext('slow', 1, undefined, { delayMs: 150 })
    const patient = await api.call('GET', `/companies(${companyId})/vendors`)
    expect(patient.status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(150)
  })

  it('drop-after-write: applies the write, then cuts the connection; drop cuts it before; hang never answers', async () => {
    const { bc, api, companyId } = await start()
    const vendorId = ((await api.call('GET', `/companies(${companyId})/vendors`)).body as { value: { id: string }[] })
      .value[0]!.id
    const create = (number: string, signal?: AbortSignal) =>
      bearer(bc).then((authorization) =>
        fetch(`${bc.apiBase}/companies(${companyId})/purchaseInvoices`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body: JSON.stringify({ vendorId, vendorInvoiceNumber: number }),
          ...(signal ? { signal } : {}),
        }),
      )
    bc.failNext('drop-after-write')
    await expect(create('LOST/1')).rejects.toThrow()
    bc.failNext('drop')
    await expect(create('LOST/2')).rejects.toThrow()
    bc.failNext('hang')
    await expect(create('LOST/3', AbortSignal.timeout(150))).rejects.toThrow()
    expect(bc.purchaseInvoices(companyId).map((invoice) => invoice.entity.vendorInvoiceNumber)).toEqual(['LOST/1'])
    const api3 = bc.requests.filter((request) => request.kind === 'api').slice(-3)
    expect(api3.map((request) => [request.method, request.status])).toEqual([
      ['POST', null],
      ['POST', null],
      ['POST', null],
    ])
  })

  it('an outage answers every API and token call 503, or refuses connections, until it ends', async () => {
    const { bc, api, companies } = await start()
    await bc.outage(true)
    const down = await api.call('GET', companies)
    expect([down.status, down.problems]).toEqual([503, []])
    const token = await tokenAnswer(bc, {})
    expect([token.status, token.body.error]).toEqual([503, 'temporarily_unavailable'])
    await bc.outage('refused')
    // The first try may meet a kept-alive connection the fake just cut; a new one is refused.
    await expect(fetch(bc.tokenUrl, { method: 'POST' })).rejects.toThrow()
    await expect(fetch(bc.tokenUrl, { method: 'POST' })).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } })
    await bc.outage(false)
    expect((await api.call('GET', companies)).status).toBe(200)
  })
})

describe("BC's per-user limits", () => {
  it('answer 429 past the sliding window, and serve again once it slides', async () => {
    const { bc, api, companies } = await start({ limits: { windowRequests: 3, windowMs: 60_000 } })
    for (let call = 0; call < 3; call += 1) expect((await api.call('GET', companies)).status).toBe(200)
    const limited = await api.call('GET', companies)
    expect([limited.status, code(limited.body), limited.problems]).toEqual([429, 'Application_TooManyRequests', []])
    bc.clock.advance(60_001)
    expect((await api.call('GET', companies)).status).toBe(200)
  })

  it('queue a call beyond the concurrent ones, refuse one beyond the queue, and give up a queued one with 503', async () => {
    const { bc, api, companies } = await start({ limits: { maxConcurrent: 1, maxQueued: 1, queueTimeoutMs: 300 } })
    await api.call('GET', companies)
    bc.failNext('slow', 1, undefined, { delayMs: 200 })
    const first = api.call('GET', companies)
    await new Promise((resolve) => setTimeout(resolve, 30))
    const queued = api.call('GET', companies)
    await new Promise((resolve) => setTimeout(resolve, 30))
    const refused = await api.call('GET', companies)
    expect(refused.status).toBe(429)
    expect([(await first).status, (await queued).status]).toEqual([200, 200])
    bc.failNext('slow', 1, undefined, { delayMs: 600 })
    const holder = api.call('GET', companies)
    await new Promise((resolve) => setTimeout(resolve, 30))
    const timedOut = await api.call('GET', companies)
    expect([timedOut.status, code(timedOut.body)]).toEqual([503, 'Internal_ServiceUnavailable'])
    expect((await holder).status).toBe(200)
  })
})

/** A token request's answer, checked against Entra's documented shapes. */
async function tokenAnswer(fake: FakeBc, form: Record<string, string>) {
  const response = await fetch(fake.tokenUrl, { method: 'POST', body: new URLSearchParams(form) })
  const body = (await response.json()) as { access_token?: string; error?: string }
  expect(contractProblems(fake, 'POST', fake.tokenUrl, response.status, response.headers, body)).toEqual([])
  return { status: response.status, body }
}

async function bearer(fake: FakeBc): Promise<string> {
  const { body } = await tokenAnswer(fake, {
    grant_type: 'client_credentials',
    client_id: fake.credentials.clientId,
    client_secret: fake.credentials.clientSecret,
    scope: fake.scope,
  })
  return `Bearer ${body.access_token}`
}
