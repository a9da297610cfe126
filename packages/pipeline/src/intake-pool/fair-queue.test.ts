import { describe, expect, it } from 'vitest'
import { FairQueue } from './fair-queue.ts'

describe('a queue that shares threads between tenants by the time they use', () => {
  it('takes turns between tenants that use alike, in order within a tenant', () => {
    const queue = new FairQueue<string>(() => 0)
    for (const item of ['a1', 'a2', 'a3']) queue.push('a', item)
    queue.push('b', 'b1')
    queue.push('c', 'c1')
    queue.push('b', 'b2')
    expect(queue.waiting('a')).toBe(3)
    const served: (string | undefined)[] = []
    while (queue.size > 0) served.push(queue.shift()?.item)
    expect(served).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3'])
    expect(queue.shift()).toBeUndefined()
  })

  it('serves first the tenant that used less thread time, and forgives time used as it passes', () => {
    let now = 0
    const queue = new FairQueue<string>(() => now)
    queue.charge('heavy', 500)
    queue.charge('light', 2)
    for (const item of ['h1', 'h2']) queue.push('heavy', item)
    for (const item of ['l1', 'l2', 'l3']) queue.push('light', item)
    expect(queue.shift()?.item).toBe('l1')
    queue.charge('light', 2)
    expect(queue.shift()?.item).toBe('l2')
    // Ten seconds later heavy's 500 ms count as 250: still more than light's few.
    now = 10_000
    expect(queue.shift()?.item).toBe('l3')
    expect(queue.shift()?.item).toBe('h1')
  })

  it('passes over a tenant at its limit of running items', () => {
    const queue = new FairQueue<string>(() => 0)
    queue.push('a', 'a1')
    queue.push('b', 'b1')
    expect(queue.shift((key) => key !== 'a')?.item).toBe('b1')
    expect(queue.shift((key) => key !== 'a')).toBeUndefined()
    expect(queue.shift()?.item).toBe('a1')
  })
})
