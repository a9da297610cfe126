import { createKsefClient, nipContext } from '@ksef-hub/ksef-client'
import { startSimulator } from '@ksef-hub/ksef-simulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueToken, type Simulator } from './simulator.ts'

let sim: Simulator
beforeAll(async () => {
  sim = await startSimulator({ port: 0, rateLimits: 'prd', processingDelayMs: 0 })
})
afterAll(async () => sim.close())

async function clientFor(nip: string, limiter: 'official' | 'off') {
  const token = await issueToken(sim, nip)
  return createKsefClient({
    environment: { baseUrl: sim.url },
    context: nipContext(nip),
    credentials: { kind: 'token', token },
    rateLimiter: { limits: limiter },
    retry: { maxRetryAfterMs: 0, maxAttempts: 1 },
    auth: { pollIntervalMs: 50 },
  })
}

describe('the client-side limiter against PRD limits', () => {
  it('without it, a burst meets 429; with it, the same burst stays within the budget', async () => {
    const reads = 25 // GET /sessions/{ref}: 10 per second
    const unlimited = await clientFor('1111111111', 'off')
    const first = await unlimited.openOnlineSession()
    const results = await Promise.allSettled(
      Array.from({ length: reads }, () => unlimited.getSessionStatus(first.referenceNumber)),
    )
    const refused = results.filter((result) => result.status === 'rejected')
    expect(refused.length).toBeGreaterThan(0)
    expect(refused[0]).toMatchObject({ reason: { errorClass: 'transient', code: 'RATE_LIMITED' } })

    const limited = await clientFor('5265877635', 'official')
    const session = await limited.openOnlineSession()
    const started = Date.now()
    for (let i = 0; i < reads; i += 1) await limited.getSessionStatus(session.referenceNumber)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900)
  })
})
