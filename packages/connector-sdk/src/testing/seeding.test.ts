import { isValidNip } from '@ksef-hub/fa3'
import { describe, expect, it } from 'vitest'
import { addDays, generator, nipOf } from './seeding.ts'

describe('seeding', () => {
  it('draws the same numbers from the same seed, and valid NIPs', () => {
    const draws = (seed: number) => Array.from({ length: 5 }, generator(seed))
    expect(draws(42)).toEqual(draws(42))
    expect(draws(42)).not.toEqual(draws(43))
    expect(generator(42)()).toBe(0.6011037519201636)
    const random = generator(7)
    for (let n = 0; n < 50; n++) expect(isValidNip(nipOf(random))).toBe(true)
  })

  it('counts calendar days across months and years', () => {
    expect(addDays('2026-02-01', -1)).toBe('2026-01-31')
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29')
  })
})
