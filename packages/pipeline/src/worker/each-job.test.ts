import type { Job } from 'pg-boss'
import { describe, expect, it } from 'vitest'
import { eachJob } from './each-job.ts'

const jobs = (count: number) => Array.from({ length: count }, (_, i) => ({ id: `j${i}`, data: i }) as Job<number>)

describe('eachJob', () => {
  it('runs every job with bounded concurrency and reports each result on its own', async () => {
    let running = 0
    let peak = 0
    const handler = eachJob<Job<number>>(async (job) => {
      running += 1
      peak = Math.max(peak, running)
      await new Promise((resolve) => setTimeout(resolve, 5))
      running -= 1
      if (job.data === 3) throw Object.assign(new Error('KSeF said no'), { code: 'RATE_LIMITED' })
    }, 4)
    const results = await handler(jobs(10))
    expect(peak).toBe(4)
    expect(results).toHaveLength(10)
    expect(results[3]).toEqual({
      id: 'j3',
      status: 'failed',
      output: { message: 'KSeF said no', code: 'RATE_LIMITED' },
    })
    expect(results.filter((result) => result.status === 'completed').map((result) => result.id)).toEqual([
      'j0',
      'j1',
      'j2',
      'j4',
      'j5',
      'j6',
      'j7',
      'j8',
      'j9',
    ])
  })

  it('handles an empty fetch', async () => {
    expect(await eachJob<Job<number>>(async () => {}, 4)([])).toEqual([])
  })
})
