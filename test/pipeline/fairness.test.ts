import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectConfirmedOnce } from './expectations.ts'
import { type Hub, type HubTenant, startHub } from './hub.ts'

describe.each(testBackends())('tenants side by side on one worker (%s)', (backend) => {
  let hub: Hub
  let small: HubTenant
  beforeAll(async () => {
    // The big tenant sends by batch sessions of 50; the small one trickles online.
    hub = await startHub(backend, { settings: { batchThreshold: 20, maxBatchSize: 50 } })
    small = await hub.addTenant()
  }, 60_000)
  afterAll(() => hub?.close())

  it("a backlog of 300 does not starve another tenant's trickle", async () => {
    const big = await hub.submitMany(300)
    const trickle: string[] = []
    for (let i = 0; i < 3; i++) {
      trickle.push(await small.submit())
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    await hub.waitFor([...trickle, ...big], ['confirmed'], 60_000)
    await expectConfirmedOnce(hub, big)
    const rows = await expectConfirmedOnce(hub, trickle)
    expect(rows.map((row) => row.session_kind)).toEqual(['online', 'online', 'online'])
    // Each invoice of the trickle reached KSeF while the backlog was still being worked through: the backlog's
    // sends did not hold it back.
    const entered = async (state: string, ids: string[]) => {
      const entries = await hub.context.db
        .selectFrom('audit_log')
        .select(['invoice_id', 'at'])
        .where('to_state', '=', state)
        .where('invoice_id', 'in', ids)
        .execute()
      return new Map(entries.map((entry) => [entry.invoice_id, new Date(entry.at).getTime()]))
    }
    const bigConfirmed = await entered('confirmed', big)
    const backlogDone = Math.max(...big.map((id) => bigConfirmed.get(id) ?? Number.NaN))
    const trickleSent = await entered('sent', trickle)
    for (const id of trickle) expect(trickleSent.get(id)).toBeLessThan(backlogDone)
  }, 90_000)
})
