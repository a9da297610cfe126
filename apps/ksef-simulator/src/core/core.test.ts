import { crc8 } from '@ksef-hub/fa3'
import { describe, expect, it } from 'vitest'
import { systemClock } from './clock.ts'
import { newReferenceNumber, REFERENCE_NUMBER } from './reference-number.ts'
import { parseKsefDateTime, warsawDay } from './warsaw.ts'

describe('reference numbers', () => {
  it('are 36 characters with the Warsaw day, the kind and a CRC-8', () => {
    const ref = newReferenceNumber('SO', new Date('2026-03-31T22:30:00Z'))
    expect(ref).toHaveLength(36)
    expect(ref).toMatch(REFERENCE_NUMBER)
    expect(ref.slice(0, 12)).toBe('20260401-SO-')
    expect(ref.slice(-2)).toBe(crc8(ref.slice(0, 33)).toString(16).toUpperCase().padStart(2, '0'))
    expect(newReferenceNumber('SO', new Date())).not.toBe(newReferenceNumber('SO', new Date()))
  })
})

describe('Warsaw time', () => {
  it('tells the Warsaw day across midnight and DST', () => {
    expect(warsawDay(new Date('2026-01-31T23:30:00Z'))).toBe('2026-02-01')
    expect(warsawDay(new Date('2026-07-31T21:59:00Z'))).toBe('2026-07-31')
    expect(warsawDay(new Date('2026-07-31T22:00:00Z'))).toBe('2026-08-01')
  })

  it('reads date-times without an offset as Warsaw local time', () => {
    expect(parseKsefDateTime('2026-01-15T10:00:00')?.toISOString()).toBe('2026-01-15T09:00:00.000Z')
    expect(parseKsefDateTime('2026-07-15T10:00:00')?.toISOString()).toBe('2026-07-15T08:00:00.000Z')
    expect(parseKsefDateTime('2026-07-15T10:00:00.5+02:00')?.toISOString()).toBe('2026-07-15T08:00:00.500Z')
    expect(parseKsefDateTime('2026-07-15T10:00:00Z')?.toISOString()).toBe('2026-07-15T10:00:00.000Z')
    expect(parseKsefDateTime('yesterday')).toBeUndefined()
  })
})

describe('clock', () => {
  it('moves forward only', () => {
    const clock = systemClock()
    const before = clock.nowMs()
    clock.advance(60_000)
    expect(clock.nowMs() - before).toBeGreaterThanOrEqual(60_000)
    expect(() => clock.advance(-1)).toThrow(RangeError)
  })
})
