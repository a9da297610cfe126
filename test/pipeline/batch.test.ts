import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectConfirmedOnce } from './expectations.ts'
import { type Hub, startHub } from './hub.ts'

describe.each(testBackends())('a backlog goes by batch session, a trickle online (%s)', (backend) => {
  let hub: Hub
  beforeAll(async () => {
    // Paused: the backlog builds up before the worker looks, as after a restart or a burst from an ERP.
    hub = await startHub(backend, { settings: { batchThreshold: 5 }, paused: true })
  }, 60_000)
  afterAll(() => hub?.close())

  it('sends a backlog of 30 by batch session and confirms each with its UPO', async () => {
    const ids: string[] = []
    for (let i = 0; i < 30; i++) ids.push(await hub.submit())
    await hub.resume()
    await hub.waitFor(ids, ['confirmed'], 45_000)
    const rows = await expectConfirmedOnce(hub, ids)
    // The worker's two submit fetchers may split the backlog between them (on PostgreSQL they fetch at once):
    // at most one batch session each, and a share below the batch threshold (5) may go online. Never one
    // session per invoice.
    const batched = rows.filter((row) => row.session_kind === 'batch')
    expect(rows.length - batched.length).toBeLessThan(5)
    const refs = [...new Set(batched.map((row) => row.ksef_session_ref as string))]
    expect(refs.length).toBeGreaterThanOrEqual(1)
    expect(refs.length).toBeLessThanOrEqual(2)
    const sessions = await hub.context.db
      .selectFrom('ksef_sessions')
      .select(['reference_number', 'kind', 'status'])
      .where('reference_number', 'in', refs)
      .execute()
    expect(sessions).toEqual(refs.map(() => expect.objectContaining({ kind: 'batch', status: 'processed' })))
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
