import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectConfirmedOnce, statesOf } from './expectations.ts'
import { type Hub, startHub } from './hub.ts'

// A dropped response: KSeF processed and committed the request, then the connection died before the answer came.
describe.each(testBackends())('a send whose answer is lost is looked up, never resent (%s)', (backend) => {
  let hub: Hub
  beforeAll(async () => {
    // One submit fetcher: the batch cases assert the composition of a session, and two fetchers taking the requeued
    // invoices at once may split them between a batch and an online session (see WorkerTuning).
    hub = await startHub(backend, { settings: { batchThreshold: 5 }, worker: { tuning: { submitConcurrency: 1 } } })
  }, 60_000)
  afterAll(() => hub?.close())

  it('online: the invoice goes ambiguous, is found in its session and confirmed', async () => {
    await hub.fault({ kind: 'drop-response', count: 1, path: '^/v2/sessions/online/[^/]+/invoices$' })
    const id = await hub.submit()
    await hub.waitFor([id], ['confirmed'])
    expect(await hub.activeFaults()).toEqual([])
    await expectConfirmedOnce(hub, [id])
    expect(await statesOf(hub, id)).toEqual(['queued', 'sending', 'ambiguous', 'accepted', 'confirmed'])
  }, 60_000)

  it('online: a lost answer to the session opening costs a session, not an invoice', async () => {
    // Retire the session in use, so the next invoice needs a new one.
    const open = await hub.context.db
      .selectFrom('ksef_sessions')
      .select('reference_number')
      .where('kind', '=', 'online')
      .where('status', '=', 'open')
      .execute()
    for (const session of open) await hub.worker.env.sessions.retire(hub.tenantId, session.reference_number)
    await hub.fault({ kind: 'drop-response', count: 1, path: '^/v2/sessions/online$' })
    const id = await hub.submit()
    await hub.waitFor([id], ['confirmed'])
    expect(await hub.activeFaults()).toEqual([])
    await expectConfirmedOnce(hub, [id])
  }, 60_000)

  it('batch: a lost answer to the opening leaves nothing in KSeF, and the batch goes again', async () => {
    await hub.fault({ kind: 'drop-response', count: 1, path: '^/v2/sessions/batch$' })
    const ids = await hub.submitMany(6)
    await hub.waitFor(ids, ['confirmed'])
    expect(await hub.activeFaults()).toEqual([])
    const rows = await expectConfirmedOnce(hub, ids)
    expect(new Set(rows.map((row) => row.session_kind))).toEqual(new Set(['batch']))
  }, 60_000)

  it('batch: a lost answer to a part upload is settled in the session that holds the part', async () => {
    await hub.fault({ kind: 'drop-response', count: 1, path: '^/storage/batch/' })
    const ids = await hub.submitMany(6)
    await hub.waitFor(ids, ['confirmed'])
    expect(await hub.activeFaults()).toEqual([])
    const rows = await expectConfirmedOnce(hub, ids)
    expect(new Set(rows.map((row) => row.ksef_session_ref)).size).toBe(1)
  }, 60_000)

  it('batch: a lost answer to the close goes ambiguous and is found in the session, never resent', async () => {
    await hub.fault({ kind: 'drop-response', count: 1, path: '^/v2/sessions/batch/[^/]+/close$' })
    const ids = await hub.submitMany(6)
    await hub.waitFor(ids, ['confirmed'])
    expect(await hub.activeFaults()).toEqual([])
    const rows = await expectConfirmedOnce(hub, ids)
    expect(new Set(rows.map((row) => row.ksef_session_ref)).size).toBe(1)
    for (const id of ids) expect(await statesOf(hub, id)).toContain('ambiguous')
  }, 60_000)

  it('online, still processing when looked up: found pending, it becomes sent and is polled to the end', async () => {
    await hub.fault({ kind: 'slow', seconds: 4, count: 1 })
    await hub.fault({ kind: 'drop-response', count: 1, path: '^/v2/sessions/online/[^/]+/invoices$' })
    const id = await hub.submit()
    await hub.waitFor([id], ['confirmed'])
    await expectConfirmedOnce(hub, [id])
    expect(await statesOf(hub, id)).toEqual(['queued', 'sending', 'ambiguous', 'sent', 'accepted', 'confirmed'])
  }, 60_000)

  it('batch, still processing when looked up: the lookup waits for the batch, nothing is resent', async () => {
    await hub.fault({ kind: 'slow', seconds: 4, count: 1 })
    await hub.fault({ kind: 'drop-response', count: 1, path: '^/v2/sessions/batch/[^/]+/close$' })
    const ids = await hub.submitMany(6)
    await hub.waitFor(ids, ['confirmed'])
    const rows = await expectConfirmedOnce(hub, ids)
    expect(new Set(rows.map((row) => row.ksef_session_ref)).size).toBe(1)
    for (const id of ids) expect(await statesOf(hub, id)).toContain('ambiguous')
  }, 60_000)
})
