import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectConfirmedOnce } from './expectations.ts'
import { type Hub, startHub } from './hub.ts'

/** A session's record once it no longer reads `open` (or after ten seconds). */
async function sessionOnceSettled(hub: Hub, reference: string) {
  const deadline = Date.now() + 10_000
  for (;;) {
    const session = await hub.context.db
      .selectFrom('ksef_sessions')
      .select(['reference_number', 'kind', 'status'])
      .where('reference_number', '=', reference)
      .executeTakeFirst()
    if (session?.status !== 'open' || Date.now() > deadline) return session
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe.each(testBackends())('a backlog goes by batch session, a trickle online (%s)', (backend) => {
  let hub: Hub
  beforeAll(async () => {
    // Paused: the backlog builds up before the worker looks, as after a restart or a burst from an ERP.
    // One submit fetcher: two fetching at once may split the backlog between them (see WorkerTuning).
    hub = await startHub(backend, {
      settings: { batchThreshold: 5 },
      worker: { tuning: { submitConcurrency: 1 } },
      paused: true,
    })
  }, 60_000)
  afterAll(() => hub?.close())

  it('sends a backlog of 30 in one batch session and confirms each with its UPO', async () => {
    const ids: string[] = []
    for (let i = 0; i < 30; i++) ids.push(await hub.submit())
    await hub.resume()
    await hub.waitFor(ids, ['confirmed'], 45_000)
    const rows = await expectConfirmedOnce(hub, ids)
    expect(new Set(rows.map((row) => row.session_kind))).toEqual(new Set(['batch']))
    expect(new Set(rows.map((row) => row.ksef_session_ref)).size).toBe(1)
    // KSeF finishes a session's invoices before the session itself: the poll that settles the last invoice may
    // still read it as being processed, and a later poll marks it.
    expect(await sessionOnceSettled(hub, rows[0]?.ksef_session_ref as string)).toEqual(
      expect.objectContaining({ kind: 'batch', status: 'processed' }),
    )
  }, 60_000)

  it('sends the trickle that follows online', async () => {
    const ids: string[] = []
    for (let i = 0; i < 2; i++) {
      ids.push(await hub.submit())
      // One at a time, as an ERP does during the day: each is alone in the queue when the worker looks.
      await hub.waitFor(ids, ['sent', 'accepted', 'confirmed'])
    }
    await hub.waitFor(ids, ['confirmed'])
    const rows = await expectConfirmedOnce(hub, ids)
    expect(rows.map((row) => row.session_kind)).toEqual(['online', 'online'])
  }, 60_000)
})

describe.each(testBackends())('a batch session KSeF closes after its invoices (%s)', (backend) => {
  let hub: Hub
  beforeAll(async () => {
    // KSeF builds the session's UPO after the last invoice: the session reads 150 for a while after every invoice
    // has its outcome, so the poll that settles them cannot mark the session.
    hub = await startHub(backend, {
      simulator: { sessionCompletionDelayMs: 1_500 },
      settings: { batchThreshold: 5 },
      worker: { tuning: { submitConcurrency: 1 } },
      paused: true,
    })
  }, 60_000)
  afterAll(() => hub?.close())

  it('confirms the invoices, then marks the session processed once KSeF does', async () => {
    const ids: string[] = []
    for (let i = 0; i < 10; i++) ids.push(await hub.submit())
    await hub.resume()
    await hub.waitFor(ids, ['confirmed'], 45_000)
    const rows = await expectConfirmedOnce(hub, ids)
    expect(new Set(rows.map((row) => row.session_kind))).toEqual(new Set(['batch']))
    const reference = rows[0]?.ksef_session_ref as string
    expect(await sessionOnceSettled(hub, reference)).toEqual(
      expect.objectContaining({ kind: 'batch', status: 'processed' }),
    )
  }, 60_000)
})
