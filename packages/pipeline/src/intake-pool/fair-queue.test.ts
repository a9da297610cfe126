import { describe, expect, it } from 'vitest'
import { FairQueue } from './fair-queue.ts'

describe('a queue that takes turns between tenants', () => {
  it('serves each tenant in turn, in order within a tenant', () => {
    const queue = new FairQueue<string>()
    for (const item of ['a1', 'a2', 'a3', 'a4']) queue.push('a', item)
    queue.push('b', 'b1')
    queue.push('c', 'c1')
    queue.push('b', 'b2')
    expect(queue.waiting('a')).toBe(4)
    const served: (string | undefined)[] = []
    while (queue.size > 0) served.push(queue.shift())
    expect(served).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3', 'a4'])
    expect(queue.shift()).toBeUndefined()
  })
})
