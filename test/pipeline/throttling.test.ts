import { type RunningWorker, startWorker } from '@ksef-hub/pipeline'
import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exchanges, expectConfirmedOnce } from './expectations.ts'
import { type Hub, startHub } from './hub.ts'

describe.each(testBackends())('two workers share KSeF rate limits through the database (%s)', (backend) => {
  let hub: Hub
  let second: RunningWorker
  beforeAll(async () => {
    // Small fetches, so that while one worker waits on the limiter the other takes the next jobs.
    const tuning = { reconcileGraceMs: 1_000, pollFirstMs: 200, pollMaxMs: 1_000, submitBatchSize: 2 }
    hub = await startHub(backend, { simulator: { rateLimits: 'prd' }, worker: { rateLimits: 'official', tuning } })
    second = await startWorker(hub.context, hub.workerOptions)
  }, 60_000)
  afterAll(async () => {
    await second?.stop()
    await hub?.close()
  })

  it('sends a burst from both workers with no 429 from KSeF', async () => {
    const ids = await hub.submitMany(24)
    await hub.waitFor(ids, ['confirmed'], 80_000)
    await expectConfirmedOnce(hub, ids)
    await second.env.pool.flush()
    const calls = await exchanges(hub)
    expect(calls.filter((call) => call.status === 429)).toEqual([])
    // Both workers logged in (each has its own client), and the limiter did hold sends back.
    expect(calls.filter((call) => call.operation === 'authRedeem').length).toBeGreaterThanOrEqual(2)
    const sends = calls.filter((call) => call.operation === 'sendInvoice').map((call) => call.at.getTime())
    expect(sends).toHaveLength(24)
  }, 90_000)
})
