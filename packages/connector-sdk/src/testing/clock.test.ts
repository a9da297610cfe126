import { describe, expect, it } from 'vitest'
import { createClock } from './clock.ts'

describe('createClock', () => {
  it('runs with real time, from a start a test chooses, and moves when told', () => {
    const near = (a: Date, b: number) => expect(Math.abs(a.getTime() - b)).toBeLessThan(1_000)
    near(createClock().now(), Date.now())
    const clock = createClock(new Date('2026-01-01T00:00:00Z'))
    near(clock.now(), Date.parse('2026-01-01T00:00:00Z'))
    clock.advance(3 * 86_400_000)
    near(clock.now(), Date.parse('2026-01-04T00:00:00Z'))
    clock.advance(-86_400_000)
    near(clock.now(), Date.parse('2026-01-03T00:00:00Z'))
    clock.set(new Date('2027-06-01T12:00:00Z'))
    near(clock.now(), Date.parse('2027-06-01T12:00:00Z'))
  })
})
