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
    // Enough draws to meet NIPs whose second and third digits are 0 (about one in a hundred), which FA(3) refuses.
    for (let n = 0; n < 2_000; n++) {
      const nip = nipOf(random)
      expect(isValidNip(nip)).toBe(true)
      expect(nip.slice(1, 3)).not.toBe('00')
    }
  })

  it('counts calendar days across months and years', () => {
    expect(addDays('2026-02-01', -1)).toBe('2026-01-31')
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29')
  })
})
