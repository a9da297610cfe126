import { describe, expect, it } from 'vitest'
import { systemClock } from '../core/clock.ts'
import { FaultRegistry } from './registry.ts'

describe('FaultRegistry', () => {
  it('ends a fault after its count, its seconds, or a clear; narrows by path', () => {
    const clock = systemClock()
    const faults = new FaultRegistry(clock)
    faults.add({ kind: 'cancel-550', count: 2 })
    expect(faults.take('cancel-550')).toBeDefined()
    expect(faults.take('cancel-550')).toBeDefined()
    expect(faults.take('cancel-550')).toBeUndefined()
    faults.add({ kind: 'outage', seconds: 10, path: '^/v2/sessions' })
    expect(faults.take('outage', '/v2/security/public-key-certificates')).toBeUndefined()
    expect(faults.take('outage', '/v2/sessions/online')).toBeDefined()
    clock.advance(10_001)
    expect(faults.take('outage', '/v2/sessions/online')).toBeUndefined()
    faults.add({ kind: 'slow' })
    expect(faults.list()).toHaveLength(1)
    faults.clear()
    expect(faults.list()).toEqual([])
  })

  it('expire-tokens revokes tokens issued before it', () => {
    const clock = systemClock()
    const faults = new FaultRegistry(clock)
    const before = clock.nowMs() - 1
    faults.add({ kind: 'expire-tokens' })
    expect(faults.tokenRevokedBefore(before)).toBe(true)
    clock.advance(5)
    expect(faults.tokenRevokedBefore(clock.nowMs())).toBe(false)
  })
})
