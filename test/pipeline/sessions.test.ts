import { isKsefError, nipContext } from '@ksef-hub/ksef-client'
import { sampleInvoice } from '@ksef-hub/ksef-client/testing'
import { QUEUES, startWorker } from '@ksef-hub/pipeline'
import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clearFaults, issueToken, simulatorClient } from '../ksef-client/simulator.ts'
import { expectConfirmedOnce, expectNeverIn, statesOf } from './expectations.ts'
import { type Hub, startHub } from './hub.ts'

// A send a crash left unsettled: looked up first (ambiguous), found absent, and only then sent again.
const LOOKED_UP_THEN_SENT = ['queued', 'ambiguous', 'queued', 'sending', 'sent', 'accepted', 'confirmed']

describe.each(testBackends())('online sessions closed behind a worker, and a crash mid-send (%s)', (backend) => {
  let hub: Hub
  beforeAll(async () => {
    hub = await startHub(backend)
  }, 60_000)
  afterAll(() => hub?.close())

  for (const where of ['by another worker', 'in KSeF only'] as const) {
    it(`a session closed ${where} is replaced at once, without a retry`, async () => {
      const warmup = await hub.submit()
      await hub.waitFor([warmup], ['confirmed'])
      // Another worker's idle-session chore closes the session this worker still holds.
      const other = await startWorker(hub.context, { ...hub.workerOptions, schedules: false })
      await other.stop()
      const closed = await other.env.sessions.closeDue((tenantId) => other.env.pool.forTenant(tenantId), 0)
      expect(closed).toHaveLength(1)
      if (where === 'in KSeF only') {
        // As if KSeF had closed it (e.g. past its validity) without the hub knowing: the send meets 21180.
        await hub.context.db
          .updateTable('ksef_sessions')
          .set({ status: 'open', closed_at: null })
          .where('reference_number', '=', closed[0] as string)
          .execute()
      }
      // Submitted in one bulk request, so this worker sends them in one go through the session it holds.
      const ids = await hub.submitMany(3)
      await hub.waitFor(ids, ['confirmed'])
      const rows = await expectConfirmedOnce(hub, ids)
      expect(new Set(rows.map((row) => row.ksef_session_ref)).has(closed[0] as string)).toBe(false)
      await expectNeverIn(hub, ids, ['rejected', 'dead'])
      // Each went in the same pass: no submit job needed a retry (which would have sent it after the others).
      for (const id of ids) {
        const jobs = await hub.context.boss.findJobs(QUEUES.submit, { data: { invoiceId: id } })
        expect(jobs.map((job) => [job.state, job.retryCount])).toEqual([['completed', 0]])
      }
    }, 60_000)
  }

  it('an invoice left "sending" by a crashed worker is looked up before it is sent again', async () => {
    await hub.pause()
    const id = await hub.submit()
    const session = await hub.context.db
      .selectFrom('ksef_sessions')
      .select('reference_number')
      .where('kind', '=', 'online')
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow()
    // The crashed attempt had marked it as going into the open session; the request never left.
    await hub.context.db
      .updateTable('invoices')
      .set({ state: 'sending', ksef_session_ref: session.reference_number, session_kind: 'online' })
      .where('id', '=', id)
      .execute()
    await hub.resume()
    await hub.waitFor([id], ['confirmed'])
    await expectConfirmedOnce(hub, [id])
    expect(await statesOf(hub, id)).toEqual(LOOKED_UP_THEN_SENT)
  }, 60_000)

  it('a batch whose worker died before its part was uploaded goes again at once, not after the upload window', async () => {
    await hub.pause()
    const id = await hub.submit()
    // The dead worker's batch session: opened in KSeF, its part never uploaded (the upload fails here; a SIGKILL
    // in the chaos test does the same). KSeF would cancel it only after its upload window, 20 minutes a part.
    const client = simulatorClient(hub.sim, await issueToken(hub.sim, hub.nip), {
      context: nipContext(hub.nip),
      retry: { baseDelayMs: 50, maxAttempts: 1 },
    })
    await hub.fault({ kind: 'outage', path: '^/storage/batch/' })
    const bytes = sampleInvoice({ sellerNip: hub.nip, number: `FV/DEAD/${Date.now()}` })
    const refused = await client.sendBatch([{ fileName: 'dead.xml', bytes }]).then(
      () => undefined,
      (error: unknown) => error,
    )
    await clearFaults(hub.sim)
    const sessionRef = isKsefError(refused) ? refused.referenceNumber : undefined
    expect(sessionRef).toBeDefined()
    await hub.context.db
      .updateTable('invoices')
      .set({ state: 'sending', ksef_session_ref: sessionRef as string, session_kind: 'batch' })
      .where('id', '=', id)
      .execute()
    await hub.resume()
    await hub.waitFor([id], ['confirmed'], 30_000)
    const [row] = await expectConfirmedOnce(hub, [id])
    expect(row?.ksef_session_ref).not.toBe(sessionRef)
    expect(await statesOf(hub, id)).toEqual(LOOKED_UP_THEN_SENT)
  }, 60_000)
})
