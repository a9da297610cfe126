import { putSecret, QUEUES } from '@ksef-hub/pipeline'
import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clearFaults, issueToken } from '../ksef-client/simulator.ts'
import { runChore } from './chores.ts'
import { type Hub, type HubTenant, startHub } from './hub.ts'

const STUCK_AFTER_MINUTES = 5

async function stuckEvents(hub: Hub) {
  const rows = await hub.context.db
    .selectFrom('events')
    .select(['invoice_id', 'data'])
    .where('type', '=', 'invoice.stuck')
    .orderBy('created_at')
    .execute()
  return rows.map((row) => ({ invoiceId: row.invoice_id, state: row.data.state }))
}

describe.each(testBackends())('invoice.stuck alerts (%s)', (backend) => {
  let hub: Hub
  let other: HubTenant
  beforeAll(async () => {
    hub = await startHub(backend, { settings: { stuckAfterMinutes: STUCK_AFTER_MINUTES } })
    other = await hub.addTenant({ settings: { stuckAfterMinutes: STUCK_AFTER_MINUTES } })
    // The other tenant's sends keep failing below without running out of retries.
    await hub.tuneQueue(QUEUES.submit, { retryLimit: 1_000 })
  })
  afterAll(() => hub?.close())

  it('alerts once per stall, not on every run, and again after the invoice moved and stalled anew', async () => {
    await hub.fault({ kind: 'outage', path: 'upo' })
    // KSeF keeps this one at status 150 for the whole test.
    await hub.fault({ kind: 'slow', seconds: 600, count: 1 })
    const slow = await hub.submit()
    await hub.waitFor([slow], ['sent'])
    // The other tenant has no KSeF token yet: its invoice waits in the queue.
    await hub.context.db
      .deleteFrom('secrets')
      .where('tenant_id', '=', other.tenantId)
      .where('name', '=', 'ksef-token')
      .execute()
    const waiting = await other.submit()

    await runChore(hub, QUEUES.stuck)
    expect(await stuckEvents(hub)).toEqual([])

    hub.advanceClock((STUCK_AFTER_MINUTES + 1) * 60_000)
    await runChore(hub, QUEUES.stuck)
    const first = await stuckEvents(hub)
    expect(first).toHaveLength(2)
    expect(first).toEqual(
      expect.arrayContaining([
        { invoiceId: slow, state: 'sent' },
        { invoiceId: waiting, state: 'queued' },
      ]),
    )
    await runChore(hub, QUEUES.stuck)
    await runChore(hub, QUEUES.stuck)
    expect(await stuckEvents(hub)).toEqual(first)

    // The token arrives: the waiting invoice moves on, and stalls again waiting for its UPO.
    await putSecret(
      hub.context.db,
      hub.context.keys,
      other.tenantId,
      'ksef-token',
      await issueToken(hub.sim, other.nip),
    )
    await hub.waitFor([waiting], ['accepted'])
    await runChore(hub, QUEUES.stuck)
    await runChore(hub, QUEUES.stuck)
    expect(await stuckEvents(hub)).toEqual([...first, { invoiceId: waiting, state: 'accepted' }])

    // Once confirmed, it is no longer on its way: nothing more about it.
    await clearFaults(hub.sim)
    await hub.waitFor([waiting], ['confirmed'])
    const confirmed = await hub.context.db
      .selectFrom('invoices')
      .select('stuck_alerted_at')
      .where('id', '=', waiting)
      .executeTakeFirstOrThrow()
    expect(confirmed.stuck_alerted_at).toBeNull()
    await runChore(hub, QUEUES.stuck)
    expect(await stuckEvents(hub)).toHaveLength(3)
  })
})
