import { describe, expect, it } from 'vitest'
import { fromHundredths, sumAmounts, toHundredths } from './amounts.ts'

describe('amounts', () => {
  it('sums exactly, including negatives and whole numbers', () => {
    expect(sumAmounts(['0.10', '0.20'])).toBe('0.30')
    expect(sumAmounts(['2000', '-12.5', undefined])).toBe('1987.50')
    expect(toHundredths('-0.05')).toBe(-5n)
    expect(fromHundredths(-5n)).toBe('-0.05')
    expect(() => toHundredths('1.234')).toThrow(RangeError)
  })
})
