import { warsawDay } from '@ksef-hub/fa3'
import { describe, expect, it } from 'vitest'
import { warsawMidnight } from './warsaw.ts'

describe('warsawMidnight', () => {
  it('is the instant a Warsaw day begins, in winter, in summer and on the days the clocks change', () => {
    expect(warsawMidnight('2026-01-15').toISOString()).toBe('2026-01-14T23:00:00.000Z')
    expect(warsawMidnight('2026-07-15').toISOString()).toBe('2026-07-14T22:00:00.000Z')
    expect(warsawMidnight('2026-03-29').toISOString()).toBe('2026-03-28T23:00:00.000Z')
    expect(warsawMidnight('2026-10-25').toISOString()).toBe('2026-10-24T22:00:00.000Z')
    for (const day of ['2026-01-15', '2026-03-29', '2026-07-15', '2026-10-25']) {
      expect(warsawDay(warsawMidnight(day))).toBe(day)
      expect(warsawDay(new Date(warsawMidnight(day).getTime() - 1))).not.toBe(day)
    }
  })
})
