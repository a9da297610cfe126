import { describe, expect, it } from 'vitest'
import { FaultQueue, slowAnswer } from './faults.ts'

describe('FaultQueue', () => {
  it('gives faults in order to the calls they match, each as many times as asked, and leaves token calls alone', () => {
    const faults = new FaultQueue<'401' | '503' | '429'>()
    faults.add('503', 2)
    faults.add('401', 1, { path: '/token' })
    faults.add('429', 1, { method: 'post', path: /\/invoices\/\d+$/ }, { retryAfterSeconds: 7 })
    expect(faults.take('POST', '/token', true)?.kind).toBe('401')
    expect(faults.take('GET', '/token', true)).toBeUndefined()
    expect(faults.take('GET', '/invoices/1', false)).toEqual({ kind: '503', options: {} })
    expect(faults.take('POST', '/invoices/1', false)?.kind).toBe('503')
    expect(faults.take('GET', '/invoices/1', false)).toBeUndefined()
    expect(faults.take('POST', '/invoices/1', false)).toEqual({ kind: '429', options: { retryAfterSeconds: 7 } })
    faults.add('503', 5)
    faults.clear()
    expect(faults.take('GET', '/x', false)).toBeUndefined()
  })
})

describe('slowAnswer', () => {
  it('waits out a slow fault on a timer the fake can clear, and nothing else', async () => {
    const timers = new Set<NodeJS.Timeout>()
    await slowAnswer(undefined, timers)
    await slowAnswer({ kind: '503', options: { delayMs: 60_000 } }, timers)
    expect(timers.size).toBe(0)
    const started = Date.now()
    const wait = slowAnswer({ kind: 'slow', options: { delayMs: 30 } }, timers)
    expect(timers.size).toBe(1)
    await wait
    expect(Date.now() - started).toBeGreaterThanOrEqual(25)
    expect(timers.size).toBe(0)
  })
})
