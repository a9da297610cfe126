import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTenant } from '../tenants/tenants.ts'
import { testBackends } from '../testing/backends.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  IDEMPOTENCY_LOCK_SECONDS,
  IDEMPOTENCY_TTL_SECONDS,
  purgeExpiredIdempotencyKeys,
  releaseIdempotencyKey,
  requestFingerprint,
} from './idempotency.ts'

describe.each(testBackends())('idempotency keys (%s)', (backend) => {
  let context: TestContext
  beforeAll(async () => {
    context = await openTestContext(backend)
    await createTenant(context.db, { id: 'acme', name: 'Acme', nip: '5265877635', environment: 'test' })
  })
  afterAll(() => context.close())

  const body = new TextEncoder().encode('{"a":1}')
  const fingerprint = requestFingerprint('POST', '/v1/invoices', body)
  const at = (seconds: number) => new Date(Date.UTC(2026, 10, 2, 12) + seconds * 1000)

  it('claims once; a second claim while processing is in progress; after completion it replays', async () => {
    const claim = { tenantId: 'acme', key: 'k1', fingerprint, now: at(0) }
    expect(await claimIdempotencyKey(context.db, claim)).toEqual({ kind: 'claimed' })
    expect(await claimIdempotencyKey(context.db, { ...claim, now: at(1) })).toEqual({ kind: 'in_progress' })
    expect(await claimIdempotencyKey(context.db, { ...claim, fingerprint: 'other', now: at(1) })).toEqual({
      kind: 'mismatch',
    })
    await completeIdempotencyKey(context.db, 'acme', 'k1', {
      status: 201,
      headers: { 'content-type': 'application/json', 'set-cookie': 'x' },
      body,
    })
    const replay = await claimIdempotencyKey(context.db, { ...claim, now: at(2) })
    expect(replay.kind).toBe('replay')
    if (replay.kind === 'replay') {
      expect(replay.response.status).toBe(201)
      expect(replay.response.headers).toEqual({ 'content-type': 'application/json' })
      expect(new TextDecoder().decode(replay.response.body)).toBe('{"a":1}')
    }
  })

  it('lets a retry take over the stale claim of a crashed request, and a released key runs afresh', async () => {
    const claim = { tenantId: 'acme', key: 'k2', fingerprint, now: at(0) }
    await claimIdempotencyKey(context.db, claim)
    const later = at(IDEMPOTENCY_LOCK_SECONDS + 1)
    expect(await claimIdempotencyKey(context.db, { ...claim, now: later })).toEqual({ kind: 'claimed' })
    expect(await claimIdempotencyKey(context.db, { ...claim, now: later })).toEqual({ kind: 'in_progress' })
    await releaseIdempotencyKey(context.db, 'acme', 'k2')
    expect(await claimIdempotencyKey(context.db, { ...claim, fingerprint: 'new', now: later })).toEqual({
      kind: 'claimed',
    })
  })

  it('forgets keys after their lifetime', async () => {
    const claim = { tenantId: 'acme', key: 'k3', fingerprint, now: at(0) }
    await claimIdempotencyKey(context.db, claim)
    await completeIdempotencyKey(context.db, 'acme', 'k3', { status: 200, headers: {}, body })
    const expired = at(IDEMPOTENCY_TTL_SECONDS + 1)
    expect(await claimIdempotencyKey(context.db, { ...claim, fingerprint: 'other', now: expired })).toEqual({
      kind: 'claimed',
    })
    expect(await purgeExpiredIdempotencyKeys(context.db, at(10 * IDEMPOTENCY_TTL_SECONDS))).toBeGreaterThanOrEqual(1)
  })
})
