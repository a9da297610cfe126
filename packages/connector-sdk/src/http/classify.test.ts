import { describe, expect, it } from 'vitest'
import { errorOfStatus, kindOfStatus, MAX_RETRY_AFTER_MS, retryAfterMs } from './classify.ts'

const NOW = new Date('2026-10-21T07:27:00Z')

describe('retryAfterMs', () => {
  it('reads delta-seconds, rounding a fraction up', () => {
    expect(retryAfterMs('30', NOW)).toBe(30_000)
    expect(retryAfterMs(' 0 ', NOW)).toBe(0)
    expect(retryAfterMs('1.2', NOW)).toBe(1_200)
    expect(retryAfterMs('0.0001', NOW)).toBe(1)
  })

  it('reads the three HTTP date forms as the time until then, never negative', () => {
    expect(retryAfterMs('Wed, 21 Oct 2026 07:28:00 GMT', NOW)).toBe(60_000)
    expect(retryAfterMs('Wednesday, 21-Oct-26 07:28:30 GMT', NOW)).toBe(90_000)
    expect(retryAfterMs('Wed, 21 Oct 2026 07:00:00 GMT', NOW)).toBe(0)
  })

  it('reads asctime (no zone) as GMT in any machine zone', () => {
    const zone = process.env.TZ
    process.env.TZ = 'Europe/Warsaw'
    try {
      expect(retryAfterMs('Wed Oct 21 07:29:00 2026', NOW)).toBe(120_000)
      expect(retryAfterMs('Wed Oct  1 07:29:00 2026', new Date('2026-10-01T07:29:00Z'))).toBe(0)
    } finally {
      if (zone === undefined) delete process.env.TZ
      else process.env.TZ = zone
    }
  })

  it('gives undefined for an absent or unreadable header, not a wait of zero', () => {
    // V8's Date.parse takes "-5" and "soon 2" for days in 2001, which would read as "retry at once".
    for (const garbage of [null, undefined, '', '   ', 'soon', 'soon 2', '-5', '1.5.2', '120s', '2026-10-21', 'NaN']) {
      expect(retryAfterMs(garbage, NOW), String(garbage)).toBeUndefined()
    }
  })

  it('caps a wait at a day', () => {
    expect(retryAfterMs('86401', NOW)).toBe(MAX_RETRY_AFTER_MS)
    expect(retryAfterMs('99999999999999999999', NOW)).toBe(MAX_RETRY_AFTER_MS)
    expect(retryAfterMs('Fri, 21 Oct 2050 07:28:00 GMT', NOW)).toBe(MAX_RETRY_AFTER_MS)
    expect(retryAfterMs('86400', NOW)).toBe(MAX_RETRY_AFTER_MS)
  })
})

describe('the status table', () => {
  it('classifies each status as the HTTP client documents', () => {
    const table: [number, string][] = [
      [400, 'validation'],
      [401, 'auth'],
      [403, 'forbidden'],
      [404, 'not_found'],
      [408, 'transient'],
      [409, 'conflict'],
      [410, 'not_found'],
      [412, 'conflict'],
      [422, 'validation'],
      [425, 'transient'],
      [429, 'rate_limit'],
      [500, 'transient'],
      [502, 'transient'],
      [503, 'transient'],
      [504, 'transient'],
    ]
    for (const [status, kind] of table) expect(kindOfStatus(status), String(status)).toBe(kind)
  })

  it('builds an error with the status, the wait and a squeezed excerpt of the body', () => {
    const error = errorOfStatus('GET /invoices', 429, '7', `too\n\n   many ${'x'.repeat(400)}`)
    expect(error.kind).toBe('rate_limit')
    expect(error.status).toBe(429)
    expect(error.retryAfterMs).toBe(7_000)
    expect(error.retryable).toBe(true)
    expect(error.message.startsWith('GET /invoices answered 429: too many xxx')).toBe(true)
    expect(error.message.length).toBe('GET /invoices answered 429: '.length + 300)
  })

  it('leaves the wait out when the header says nothing readable', () => {
    const error = errorOfStatus('PUT /x', 503, 'whenever')
    expect(error.kind).toBe('transient')
    expect(error.retryAfterMs).toBeUndefined()
    expect(error.message).toBe('PUT /x answered 503')
  })
})
