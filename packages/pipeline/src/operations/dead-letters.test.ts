import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BULK_FAN_OUT_FROM, submitInvoicesBulk } from '../bulk/bulk-intake.ts'
import { QUEUES } from '../queue/queues.ts'
import { createTenant } from '../tenants/tenants.ts'
import { testBackends } from '../testing/backends.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import type { SubmitManyJob } from '../worker/env.ts'
import { listDeadLetters, replayDeadLetters } from './dead-letters.ts'

const NIP = '5265877635'

describe.each(testBackends())('dead-lettered fan-outs (%s)', (backend) => {
  let context: TestContext
  beforeAll(async () => {
    context = await openTestContext(backend)
    await createTenant(context.db, { id: 'acme', name: 'Acme', nip: NIP, environment: 'test' })
  })
  afterAll(() => context.close())

  it('lists a fan-out that ran out of retries, and a replay puts it back in its queue', async () => {
    const items = Array.from({ length: BULK_FAN_OUT_FROM }, (_, n) => ({
      invoice: typicalInvoice({ sellerNip: NIP, number: `FV/DEAD/${n}`, lines: 1 }),
    }))
    await submitInvoicesBulk(context, { tenantId: 'acme', items })
    const [stored] = await context.boss.findJobs<SubmitManyJob>(QUEUES.submitMany, { data: { tenantId: 'acme' } })
    if (!stored) throw new Error('no fan-out job stored')
    // The same job on its last retry (100 in production), failing once more: pg-boss moves it to the dead letters.
    await context.boss.deleteJob(QUEUES.submitMany, stored.id)
    await context.boss.send(QUEUES.submitMany, stored.data, { retryLimit: 0 })
    const [job] = await context.boss.fetch<SubmitManyJob>(QUEUES.submitMany)
    if (!job) throw new Error('no fan-out job to fetch')
    await context.boss.fail(QUEUES.submitMany, job.id, { error: 'database unavailable' })

    const { jobs } = await listDeadLetters(context, 'acme')
    expect(jobs).toEqual([expect.objectContaining({ queue: QUEUES.submitMany, invoiceId: null })])
    expect(await replayDeadLetters(context, 'acme')).toEqual({ replayed: [], jobs: 1 })
    const queued = await context.boss.findJobs<SubmitManyJob>(QUEUES.submitMany, { data: { tenantId: 'acme' } })
    expect(queued.filter((candidate) => candidate.state === 'created')).toHaveLength(1)
    expect((await listDeadLetters(context, 'acme')).jobs).toEqual([])
  })
})
