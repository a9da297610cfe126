import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningSimulator, startSimulator } from '../index.ts'
import { admin, MiniKsef } from '../testing/mini-client.ts'

const NIP = '5265877635'
const QUERY = {
  subjectType: 'Subject1',
  dateRange: { dateType: 'Invoicing', from: new Date(Date.now() - 3600_000).toISOString() },
}

describe('rate limits from the x-rate-limits of the spec', () => {
  let sim: RunningSimulator
  let ksef: MiniKsef

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, rateLimits: 'prd' })
    ksef = new MiniKsef(sim.url)
  })
  afterAll(() => sim.close())

  it('answers 429 with Retry-After past PRD limits (8/s on the metadata query), in both error formats', async () => {
    const { token } = (await admin(sim.adminUrl, 'POST', '/tokens', { nip: NIP, permissions: ['InvoiceRead'] })).json
    const access = (await ksef.loginWithKsefToken(NIP, token)).accessToken
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => ksef.call('POST', '/invoices/query/metadata', { token: access, json: QUERY })),
    )
    const statuses = replies.map((reply) => reply.status).sort()
    expect(statuses.filter((status) => status === 200)).toHaveLength(8)
    const limited = replies.find((reply) => reply.status === 429)
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(limited?.json.status.code).toBe(429)
    expect(limited?.json.status.details[0]).toMatch(/Przekroczono limit 8 żądań na sekundę/)
    const problem = await ksef.call('POST', '/invoices/query/metadata', {
      token: access,
      json: QUERY,
      headers: { 'x-error-format': 'problem-details' },
    })
    expect(problem.status).toBe(429)
    expect(problem.headers.get('content-type')).toContain('application/problem+json')
    expect(problem.json.status).toBe(429)
  })

  it('reports and overrides the limits of the context (GET /rate-limits, /testdata/rate-limits)', async () => {
    const { token } = (
      await admin(sim.adminUrl, 'POST', '/tokens', { nip: '1111111111', permissions: ['InvoiceRead'] })
    ).json
    const access = (await ksef.loginWithKsefToken('1111111111', token)).accessToken
    const limits = await ksef.call('GET', '/rate-limits', { token: access })
    expect(limits.json.invoiceMetadata).toEqual({ perSecond: 8, perMinute: 16, perHour: 20 })
    expect(limits.json.invoiceSend).toEqual({ perSecond: 10, perMinute: 30, perHour: 180 })
    const tight = { perSecond: 1, perMinute: 2, perHour: 3 }
    const rateLimits = Object.fromEntries(Object.keys(limits.json).map((group) => [group, limits.json[group]]))
    rateLimits.invoiceMetadata = tight
    expect((await ksef.call('POST', '/testdata/rate-limits', { token: access, json: { rateLimits } })).status).toBe(200)
    expect((await ksef.call('GET', '/rate-limits', { token: access })).json.invoiceMetadata).toEqual(tight)
    expect((await ksef.call('POST', '/invoices/query/metadata', { token: access, json: QUERY })).status).toBe(200)
    expect((await ksef.call('POST', '/invoices/query/metadata', { token: access, json: QUERY })).status).toBe(429)
    expect((await ksef.call('DELETE', '/testdata/rate-limits', { token: access })).status).toBe(200)
  })

  it('limits public endpoints per IP (60/s on the challenge)', async () => {
    const replies = await Promise.all(Array.from({ length: 65 }, () => ksef.call('POST', '/auth/challenge')))
    expect(replies.filter((reply) => reply.status === 429).length).toBeGreaterThanOrEqual(1)
  })
})
