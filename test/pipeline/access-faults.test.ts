import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exchanges, expectConfirmedOnce, expectNeverIn } from './expectations.ts'
import { type Hub, startHub } from './hub.ts'

describe.each(testBackends())('429 storms, expired tokens and rotated keys (%s)', (backend) => {
  let hub: Hub
  beforeAll(async () => {
    hub = await startHub(backend, { settings: { batchThreshold: 5 } })
    const warmup = await hub.submit()
    await hub.waitFor([warmup], ['confirmed'])
  }, 60_000)
  afterAll(() => hub?.close())

  /** Retires the tenant's online session, so the next invoice opens a new one. */
  async function retireOnlineSessions(): Promise<void> {
    const open = await hub.context.db
      .selectFrom('ksef_sessions')
      .select('reference_number')
      .where('kind', '=', 'online')
      .where('status', '=', 'open')
      .execute()
    for (const session of open) await hub.worker.env.sessions.retire(hub.tenantId, session.reference_number)
  }

  it('rate-limit-storm: 429s are waited out; every invoice confirmed once', async () => {
    await hub.fault({ kind: 'rate-limit-storm', seconds: 3 })
    const ids = [await hub.submit(), await hub.submit(), await hub.submit()]
    await hub.waitFor(ids, ['confirmed'], 40_000)
    await expectConfirmedOnce(hub, ids)
    await expectNeverIn(hub, ids, ['rejected', 'dead'])
    expect((await exchanges(hub)).filter((call) => call.status === 429)).not.toEqual([])
  }, 60_000)

  it('expire-tokens: the worker logs in again and carries on', async () => {
    await hub.fault({ kind: 'expire-tokens' })
    const ids = [await hub.submit(), await hub.submit()]
    await hub.waitFor(ids, ['confirmed'])
    await expectConfirmedOnce(hub, ids)
    await hub.fault({ kind: 'expire-tokens' })
    const batch = await hub.submitMany(6)
    await hub.waitFor(batch, ['confirmed'])
    await expectConfirmedOnce(hub, batch)
    expect((await exchanges(hub)).filter((call) => call.status === 401).length).toBeGreaterThanOrEqual(2)
  }, 60_000)

  it('rotate-keys: new sessions are opened with the new key (online and batch)', async () => {
    await hub.fault({ kind: 'rotate-keys' })
    await retireOnlineSessions()
    const ids = [await hub.submit()]
    await hub.waitFor(ids, ['confirmed'])
    await expectConfirmedOnce(hub, ids)
    await hub.fault({ kind: 'rotate-keys' })
    const batch = await hub.submitMany(6)
    await hub.waitFor(batch, ['confirmed'])
    await expectConfirmedOnce(hub, batch)
    await expectNeverIn(hub, [...ids, ...batch], ['rejected', 'dead'])
    // Both openings met the withdrawn key (21470) once, then went through with the new one.
    const refused = (await exchanges(hub)).filter((call) => call.status === 400).map((call) => call.operation)
    expect(refused).toEqual(expect.arrayContaining(['openOnlineSession', 'openBatchSession']))
  }, 60_000)
})
