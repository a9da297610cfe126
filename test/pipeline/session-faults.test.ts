import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectConfirmedOnce, expectNeverIn } from './expectations.ts'
import { type Hub, startHub } from './hub.ts'

describe.each(testBackends())('KSeF cancels, fails to close, or is slow (%s)', (backend) => {
  let hub: Hub
  beforeAll(async () => {
    hub = await startHub(backend, { settings: { batchThreshold: 5 } })
  }, 60_000)
  afterAll(() => hub?.close())

  /** Every arrival of each invoice's exact bytes, as KSeF filed them. */
  async function arrivals(ids: readonly string[]): Promise<number[][]> {
    const rows = await hub.context.db
      .selectFrom('invoices')
      .select('invoice_hash')
      .where('id', 'in', [...ids])
      .execute()
    return Promise.all(rows.map((row) => hub.arrivals(row.invoice_hash as string)))
  }

  it('cancel-550 online: the cancelled invoice is sent again and registered once', async () => {
    await hub.fault({ kind: 'cancel-550', count: 1 })
    const id = await hub.submit()
    await hub.waitFor([id], ['confirmed'])
    expect(await hub.activeFaults()).toEqual([])
    await expectConfirmedOnce(hub, [id])
    // KSeF registered nothing the first time (550), so the second send was the only registration.
    expect(await arrivals([id])).toEqual([[550, 200]])
    await expectNeverIn(hub, [id], ['rejected', 'dead'])
  }, 60_000)

  it('cancel-550 in a batch: the others are confirmed, the cancelled one goes again', async () => {
    await hub.fault({ kind: 'cancel-550', count: 1 })
    const ids = await hub.submitMany(6)
    await hub.waitFor(ids, ['confirmed'])
    expect(await hub.activeFaults()).toEqual([])
    await expectConfirmedOnce(hub, ids)
    const all = await arrivals(ids)
    expect(all.filter((receipts) => receipts.length === 2)).toEqual([[550, 200]])
    expect(all.filter((receipts) => receipts.length === 1)).toEqual([[200], [200], [200], [200], [200]])
    await expectNeverIn(hub, ids, ['rejected', 'dead'])
  }, 60_000)

  it('batch-close-500: the close is repeated on the same session, nothing is sent twice', async () => {
    await hub.fault({ kind: 'batch-close-500', count: 2 })
    const ids = await hub.submitMany(6)
    await hub.waitFor(ids, ['confirmed'])
    expect(await hub.activeFaults()).toEqual([])
    const rows = await expectConfirmedOnce(hub, ids)
    expect(new Set(rows.map((row) => row.ksef_session_ref)).size).toBe(1)
  }, 60_000)

  it('batch-close-500 longer than the close retries: settled in the open session, never resent', async () => {
    await hub.fault({ kind: 'batch-close-500', count: 6 })
    const ids = await hub.submitMany(6)
    await hub.waitFor(ids, ['confirmed'], 45_000)
    expect(await hub.activeFaults()).toEqual([])
    const rows = await expectConfirmedOnce(hub, ids)
    expect(new Set(rows.map((row) => row.ksef_session_ref)).size).toBe(1)
  }, 60_000)

  it('slow: invoices held at 150 are polled until they finish', async () => {
    await hub.fault({ kind: 'slow', seconds: 3, count: 2 })
    const ids = [await hub.submit(), await hub.submit()]
    await hub.waitFor(ids, ['sent'])
    await hub.waitFor(ids, ['confirmed'])
    await expectConfirmedOnce(hub, ids)
  }, 60_000)

  it('slow batch: a batch held at 150 is polled until it finishes', async () => {
    await hub.fault({ kind: 'slow', seconds: 3, count: 1 })
    const ids = await hub.submitMany(6)
    await hub.waitFor(ids, ['confirmed'])
    await expectConfirmedOnce(hub, ids)
  }, 60_000)
})
