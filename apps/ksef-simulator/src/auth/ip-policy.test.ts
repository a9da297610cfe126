import { describe, expect, it } from 'vitest'
import { ipAllowed } from './ip-policy.ts'

describe('ipAllowed', () => {
  it('allows everything without a policy, and matches addresses, ranges and masks', () => {
    expect(ipAllowed('1.2.3.4', {})).toBe(true)
    expect(ipAllowed('1.2.3.4', { ip4Addresses: ['1.2.3.4'] })).toBe(true)
    expect(ipAllowed('1.2.3.5', { ip4Addresses: ['1.2.3.4'] })).toBe(false)
    expect(ipAllowed('10.0.0.50', { ip4Ranges: ['10.0.0.1-10.0.0.99'] })).toBe(true)
    expect(ipAllowed('10.0.1.50', { ip4Ranges: ['10.0.0.1-10.0.0.99'] })).toBe(false)
    expect(ipAllowed('192.168.7.200', { ip4Masks: ['192.168.7.0/24'] })).toBe(true)
    expect(ipAllowed('192.168.8.1', { ip4Masks: ['192.168.7.0/24'] })).toBe(false)
    expect(ipAllowed('::1', { ip4Masks: ['0.0.0.0/0'] })).toBe(false)
  })
})
