import { describe, expect, it } from 'vitest'
import { createHttpClient } from '../http/client.ts'
import { startFakeServer } from './fake-server.ts'
import {
  createCapturingLogger,
  createMemoryCredentialStore,
  createMemoryReplayGuard,
  createRecordingFetch,
  createTimeline,
  findSecretLeaks,
  redactLine,
} from './host.ts'

const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

describe('the in-memory credential store', () => {
  it('runs renewals one at a time: the second sees what the first stored', async () => {
    const store = createMemoryCredentialStore({ token: 'first-token', version: 1 })
    const seen: unknown[] = []
    const renew = async (stored: unknown) => {
      seen.push(stored)
      await tick()
      const { version } = stored as { version: number }
      return { token: `token-${version + 1}`, version: version + 1 }
    }
    await Promise.all([store.renewLocked(renew), store.renewLocked(renew)])
    expect(seen).toEqual([
      { token: 'first-token', version: 1 },
      { token: 'token-2', version: 2 },
    ])
    expect(store.writes).toEqual([
      { token: 'token-2', version: 2 },
      { token: 'token-3', version: 3 },
    ])
  })

  it('stores nothing when the renewal finds nothing to do, and releases the lock after a failed one', async () => {
    const store = createMemoryCredentialStore({ token: 'kept-token' })
    await expect(store.renewLocked(async () => Promise.reject(new Error('invalid_grant')))).rejects.toThrow(
      'invalid_grant',
    )
    expect(await store.renewLocked(async () => undefined)).toEqual({ token: 'kept-token' })
    expect(store.writes).toEqual([])
  })

  it('keeps secrets as JSON, as the hub stores them', async () => {
    const store = createMemoryCredentialStore({ token: 'a-token-value' })
    await store.renewLocked(async () => ({ token: 'renewed-token', expiresAt: new Date('2026-12-01T10:00:00Z') }))
    expect(await store.read()).toEqual({ token: 'renewed-token', expiresAt: '2026-12-01T10:00:00.000Z' })
  })

  it('puts its writes and the requests on one timeline, in order', async () => {
    const timeline = createTimeline()
    const store = createMemoryCredentialStore({ token: 'old-token-1' }, timeline)
    const server = await startFakeServer(() => ({ json: { ok: true } }))
    try {
      const http = createHttpClient({ hosts: [server.url], fetch: createRecordingFetch(timeline) })
      await http.request({ url: `${server.url}/a`, headers: { authorization: 'Bearer old-token-1' } })
      await store.renewLocked(async () => ({ token: 'new-token-2' }))
      await http.request({ url: `${server.url}/b`, headers: { authorization: 'Bearer new-token-2' } })
    } finally {
      await server.close()
    }
    expect(timeline.events.map((event) => [event.sequence, event.kind])).toEqual([
      [1, 'request'],
      [2, 'write'],
      [3, 'request'],
    ])
    expect(timeline.events[2]).toMatchObject({ kind: 'request', text: expect.stringContaining('new-token-2') })
  })
})

describe('the replay guard', () => {
  it('sees each delivery id once', async () => {
    const guard = createMemoryReplayGuard()
    expect([await guard.firstSight('d1'), await guard.firstSight('d2'), await guard.firstSight('d1')]).toEqual([
      true,
      true,
      false,
    ])
  })
})

describe('the capturing logger and the leak finder', () => {
  it('finds secrets in lines (also JSON-escaped, also in error messages) and names them without their values', () => {
    const lines: string[] = []
    const logger = createCapturingLogger(lines, { check: 'x' })
    logger.info({ ref: 'inv-1' }, 'pulled')
    logger.error({ error: new Error('refused key sk_"quoted"_1') }, 'failed')
    logger.debug({ nested: { auth: 'Bearer tok_abcdefgh' } })
    const secrets = [{ apiKey: 'sk_"quoted"_1', oauth: { accessToken: 'tok_abcdefgh' } }, { short: 'abc' }]
    expect(findSecretLeaks(lines, secrets)).toEqual([
      { line: 1, secret: 'apiKey' },
      { line: 2, secret: 'oauth.accessToken' },
    ])
    expect(redactLine(lines[2] as string, secrets)).toBe(
      '{"level":"debug","check":"x","nested":{"auth":"Bearer [secret oauth.accessToken]"}}',
    )
  })
})

describe('the fake server', () => {
  it('answers injected failures on the next calls, leaving exempt ones alone, then the handler again', async () => {
    const server = await startFakeServer(() => ({ json: { ok: true } }), {
      exempt: (request) => request.url.pathname === '/token',
    })
    try {
      server.failNext({ status: 429, retryAfterSeconds: 7 })
      server.failNext({ status: 503 })
      const exempt = await fetch(`${server.url}/token`, { method: 'POST' })
      const limited = await fetch(`${server.url}/api`)
      const failing = await fetch(`${server.url}/api`)
      const fine = await fetch(`${server.url}/api`)
      expect([exempt.status, limited.status, failing.status, fine.status]).toEqual([200, 429, 503, 200])
      expect(limited.headers.get('retry-after')).toBe('7')
      expect(server.calls).toEqual(['POST /token', 'GET /api', 'GET /api', 'GET /api'])
    } finally {
      await server.close()
    }
  })

  it('holds a hanging call open until the client gives up, and closes with it still open', async () => {
    const server = await startFakeServer(() => ({ json: { ok: true } }))
    server.failNext({ hang: true })
    const started = performance.now()
    await expect(fetch(`${server.url}/api`, { signal: AbortSignal.timeout(150) })).rejects.toThrow()
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
    server.failNext({ hang: true })
    const pending = fetch(`${server.url}/api`).then(
      () => 'answered',
      () => 'cut off',
    )
    while (server.calls.length < 2) await tick()
    await server.close()
    expect(await pending).toBe('cut off')
  })
})
