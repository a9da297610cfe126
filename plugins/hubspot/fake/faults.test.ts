import { startedPerTest } from '@ksef-hub/connector-sdk/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { contractClient } from './contract-check.ts'
import { type FakeHubSpotOptions, startFakeHubSpot } from './index.ts'

type Json = Record<string, unknown>

const startFake = startedPerTest(afterEach, startFakeHubSpot)

async function start(options: FakeHubSpotOptions = {}) {
  const fake = await startFake(options)
  return { fake, api: contractClient(fake) }
}

const searchBody = { filterGroups: [], limit: 1 }
const limitHeaders = (headers: Headers) =>
  Object.fromEntries([...headers.entries()].filter(([name]) => name.startsWith('x-hubspot-ratelimit')))

describe('rate limits', () => {
  it('reports the burst and daily budgets on answers, and answers TEN_SECONDLY_ROLLING past the burst', async () => {
    const { fake, api } = await start({ limits: { burstRequests: 3, dailyRequests: 100 } })
    const first = await api.call('GET', '/crm/v3/objects/invoices')
    expect(limitHeaders(first.headers)).toEqual({
      'x-hubspot-ratelimit-daily': '100',
      'x-hubspot-ratelimit-daily-remaining': '99',
      'x-hubspot-ratelimit-interval-milliseconds': '10000',
      'x-hubspot-ratelimit-max': '3',
      'x-hubspot-ratelimit-remaining': '2',
    })
    await api.call('GET', '/crm/v3/objects/invoices')
    await api.call('GET', '/crm/v3/objects/invoices')
    const limited = await api.call('GET', '/crm/v3/objects/invoices')
    expect([limited.status, limited.problems, limited.headers.get('retry-after')]).toEqual([429, [], null])
    expect(limited.body).toMatchObject({
      status: 'error',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
      message: 'You have reached your ten_secondly_rolling limit.',
    })
    expect(limitHeaders(limited.headers)['x-hubspot-ratelimit-remaining']).toBe('0')
    // Search is exempt from the burst limit and has its own.
    expect((await api.call('POST', '/crm/v3/objects/invoices/search', { json: searchBody })).status).toBe(200)
    fake.clock.advance(10_001)
    expect((await api.call('GET', '/crm/v3/objects/invoices')).status).toBe(200)
  })

  it('answers search`s SECONDLY 429 past its per-second limit, with the message the SDK recognises', async () => {
    const { api } = await start({ limits: { searchPerSecond: 2 } })
    const answers = []
    for (let index = 0; index < 3; index++)
      answers.push(await api.call('POST', '/crm/v3/objects/invoices/search', { json: searchBody }))
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 429])
    expect(answers[2]?.body).toMatchObject({ policyName: 'SECONDLY', message: 'You have reached your secondly limit.' })
    expect(answers[2]?.problems).toEqual([])
  })

  it('answers DAILY past the day`s budget (private apps), with Retry-After when configured; OAuth calls have no daily limit', async () => {
    const { fake, api } = await start({ limits: { retryAfterOnLimits: true } })
    fake.exhaustDailyLimit()
    const limited = await api.call('GET', '/crm/v3/objects/invoices')
    expect([limited.status, (limited.body as Json).policyName, limited.problems]).toEqual([429, 'DAILY', []])
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    fake.clock.advance(25 * 3600_000)
    expect((await api.call('GET', '/crm/v3/objects/invoices')).status).toBe(200)
    fake.exhaustDailyLimit()
    const refreshToken = fake.oauth.issueRefreshToken()
    const response = await fetch(`${fake.url}/oauth/v1/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: fake.clientId,
        client_secret: fake.clientSecret,
        refresh_token: refreshToken,
      }),
    })
    const { access_token } = (await response.json()) as { access_token: string }
    const oauth = await api.call('GET', '/crm/v3/objects/invoices', { token: access_token })
    expect(oauth.status).toBe(200)
    expect(oauth.headers.get('x-hubspot-ratelimit-daily')).toBeNull()
  })

  it('storms: every API call answers 429 for the given seconds of the fake`s clock; tokens still renew', async () => {
    const { fake, api } = await start()
    fake.storm(30)
    expect((await api.call('GET', '/crm/v3/objects/invoices')).status).toBe(429)
    expect((await api.call('POST', '/crm/v3/objects/invoices/search', { json: searchBody })).status).toBe(429)
    const renewal = await fetch(`${fake.url}/oauth/v1/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: fake.clientId,
        client_secret: fake.clientSecret,
        refresh_token: fake.oauth.issueRefreshToken(),
      }),
    })
    expect(renewal.status).toBe(200)
    fake.clock.advance(30_000)
    expect((await api.call('GET', '/crm/v3/objects/invoices')).status).toBe(200)
  })
})

describe('injected faults', () => {
  it('answers each kind with HubSpot`s body, in order, then recovers', async () => {
    const { fake, api } = await start()
    fake.failNext('429-burst', 1, undefined, { retryAfterSeconds: 120 })
    fake.failNext('429-daily')
    fake.failNext('429-search')
    fake.failNext('401')
    fake.failNext('500')
    fake.failNext('502')
    fake.failNext('503')
    const answers = []
    for (let index = 0; index < 8; index++) answers.push(await api.call('GET', '/crm/v3/objects/invoices'))
    expect(answers.map((answer) => answer.status)).toEqual([429, 429, 429, 401, 500, 502, 503, 200])
    expect(answers[0]?.headers.get('retry-after')).toBe('120')
    expect(answers.slice(0, 3).map((answer) => (answer.body as Json).policyName)).toEqual([
      'TEN_SECONDLY_ROLLING',
      'DAILY',
      'SECONDLY',
    ])
    expect(answers.map((answer) => answer.problems)).toEqual(answers.map(() => []))
    expect(answers[5]?.headers.get('content-type')).toBe('text/html')
  })

  it('matches a method and path, leaving the token endpoint alone unless named', async () => {
    const { fake, api } = await start()
    fake.failNext('503', 1, { method: 'PATCH', path: /\/invoices\// })
    fake.failNext('401', 1, { path: '/oauth/v1/token' })
    const renewal = await fetch(`${fake.url}/oauth/v1/token`, { method: 'POST', body: new URLSearchParams({}) })
    expect([renewal.status, ((await renewal.json()) as Json).status]).toEqual([400, 'BAD_REFRESH_TOKEN'])
    expect((await api.call('GET', '/crm/v3/objects/invoices')).status).toBe(200)
    expect((await api.call('PATCH', '/crm/v3/objects/invoices/1', { json: { properties: {} } })).status).toBe(503)
  })

  it('slow: answers after its delay, the write done at once; drop-after-write: done, never answered', async () => {
    const { fake } = await start()
    // A draft: HubSpot's own fields of an open invoice are locked.
    const { drafts: invoices } = fake.seed({ drafts: 1 })
    const patch = (comment: string, signal?: AbortSignal) =>
      fetch(`${fake.url}/crm/v3/objects/invoices/${invoices[0]}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${fake.privateAppToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ properties: { hs_comments: comment } }),
        ...(signal ? { signal } : {}),
      })
    fake.failNext('slow', 1, undefined, { delayMs: 400 })
    await expect(patch('slow', AbortSignal.timeout(100))).rejects.toThrow()
    expect(fake.invoice(invoices[0]!)?.properties.hs_comments).toBe('slow')
    fake.failNext('drop-after-write')
    await expect(patch('dropped')).rejects.toThrow()
    expect(fake.invoice(invoices[0]!)?.properties.hs_comments).toBe('dropped')
    fake.failNext('drop')
    await expect(patch('never')).rejects.toThrow()
    expect(fake.invoice(invoices[0]!)?.properties.hs_comments).toBe('dropped')
    fake.failNext('hang')
    await expect(patch('hung', AbortSignal.timeout(150))).rejects.toThrow()
    expect(fake.requests.filter((entry) => entry.kind === 'api').map((entry) => entry.status)).toEqual([
      null,
      null,
      null,
      null,
    ])
  })

  it('outages: 503 while unavailable, refused connections, back on the same port', async () => {
    const { fake, api } = await start()
    await fake.outage('unavailable')
    expect((await api.call('GET', '/crm/v3/objects/invoices')).status).toBe(503)
    await fake.outage('refused')
    await expect(api.call('GET', '/crm/v3/objects/invoices')).rejects.toThrow()
    await fake.outage(false)
    expect((await api.call('GET', '/crm/v3/objects/invoices')).status).toBe(200)
  })

  it('refuses a body over the limit with 413', async () => {
    const { api } = await start({ maxBodyBytes: 1024 })
    const answer = await api.call('POST', '/crm/v3/objects/notes', {
      json: { properties: { hs_note_body: 'x'.repeat(2000) } },
    })
    expect(answer.status).toBe(413)
  })
})
