import { describe, expect, it } from 'vitest'
import { systemClock } from '../core/clock.ts'
import { findOperation } from '../http/openapi.ts'
import { openDatabase } from '../store/database.ts'
import { TestDataStore } from '../store/testdata-store.ts'
import { RateLimiter } from './rate-limiter.ts'

const metadata = findOperation('POST', '/invoices/query/metadata')
if (!metadata) throw new Error('spec lacks the metadata query')

describe('RateLimiter', () => {
  it('applies all three sliding windows and says when to retry', () => {
    const clock = systemClock()
    const limiter = new RateLimiter(clock, new TestDataStore(openDatabase({})), 'prd')
    const check = () => limiter.check(metadata, 'Nip:5265877635', '10.0.0.1')
    for (let i = 0; i < 8; i++) expect(check().ok).toBe(true)
    expect(check()).toMatchObject({ ok: false, window: 'second', limit: 8, retryAfter: 1 })
    clock.advance(1001)
    for (let i = 0; i < 8; i++) expect(check().ok).toBe(true)
    expect(check()).toMatchObject({ ok: false, window: 'minute', limit: 16 })
    clock.advance(61_000)
    for (let i = 0; i < 4; i++) expect(check().ok).toBe(true)
    const hour = check()
    expect(hour).toMatchObject({ ok: false, window: 'hour', limit: 20 })
    expect(hour.ok === false && hour.retryAfter).toBeGreaterThan(3000)
  })

  it('counts per context and IP, and relaxed is ten times PRD', () => {
    const limiter = new RateLimiter(systemClock(), new TestDataStore(openDatabase({})), 'relaxed')
    for (let i = 0; i < 80; i++) expect(limiter.check(metadata, 'Nip:1', '10.0.0.1').ok).toBe(true)
    expect(limiter.check(metadata, 'Nip:1', '10.0.0.1').ok).toBe(false)
    expect(limiter.check(metadata, 'Nip:2', '10.0.0.1').ok).toBe(true)
    expect(limiter.check(metadata, 'Nip:1', '10.0.0.2').ok).toBe(true)
  })
})
