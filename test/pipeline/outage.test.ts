import { QUEUES } from '@ksef-hub/pipeline'
import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exchanges, expectConfirmedOnce, expectNeverIn } from './expectations.ts'
import { type Hub, startHub } from './hub.ts'

describe.each(testBackends())('KSeF down for a while (%s)', (backend) => {
  let hub: Hub
  beforeAll(async () => {
    hub = await startHub(backend)
  }, 60_000)
  afterAll(() => hub?.close())

  it('opens the breaker, keeps the invoices queued, and drains them in order once KSeF is back', async () => {
    // One invoice first, so the login and the online session exist before KSeF goes down.
    const warmup = await hub.submit()
    await hub.waitFor([warmup], ['confirmed'])

    await hub.fault({ kind: 'outage', seconds: 4 })
    const ids: string[] = []
    for (let i = 0; i < 5; i++) ids.push(await hub.submit())
    const scope = (await hub.worker.env.pool.forTenant(hub.tenantId)).scope
    const deadline = Date.now() + 10_000
    while ((await hub.worker.env.breaker.state(scope)).state === 'closed') {
      if (Date.now() > deadline) throw new Error('the breaker never opened')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    // While it is open nothing is given up on: every invoice waits in line.
    const waiting = await hub.context.db.selectFrom('invoices').select('state').where('id', 'in', ids).execute()
    for (const row of waiting) expect(['queued', 'sending']).toContain(row.state)

    await hub.waitFor(ids, ['confirmed'], 40_000)
    await expectConfirmedOnce(hub, ids)
    await expectNeverIn(hub, ids, ['rejected', 'dead', 'offline'])
    const sent = await hub.context.db
      .selectFrom('invoices')
      .select(['id', 'sent_at'])
      .where('id', 'in', ids)
      .orderBy('sent_at')
      .orderBy('id')
      .execute()
    expect(sent.map((row) => row.id)).toEqual(ids)
    expect((await exchanges(hub)).filter((call) => call.status === 503)).not.toEqual([])
  }, 60_000)

  it('a long outage does not spend the retries meant for invoice trouble: nothing goes dead', async () => {
    // A short retry budget stands in for a long outage (hours of KSeF down against 12 retries).
    await hub.context.boss.updateQueue(QUEUES.submit, { retryLimit: 2 })
    await hub.context.boss.findJobs(QUEUES.submit, {})
    await hub.fault({ kind: 'outage', seconds: 8 })
    const ids: string[] = []
    for (let i = 0; i < 3; i++) ids.push(await hub.submit())
    await hub.waitFor(ids, ['confirmed', 'dead'], 40_000)
    await expectNeverIn(hub, ids, ['rejected', 'dead', 'offline'])
    await expectConfirmedOnce(hub, ids)
  }, 60_000)
})
