import { deadLetterOf, listDeadLetters, putSecret, QUEUES, replayDeadLetters } from '@ksef-hub/pipeline'
import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clearFaults, issueToken } from '../ksef-client/simulator.ts'
import { expectConfirmedOnce } from './expectations.ts'
import { type Hub, startHub } from './hub.ts'

describe.each(testBackends())('dead letters: listed, replayed one by one or all (%s)', (backend) => {
  let hub: Hub
  beforeAll(async () => {
    hub = await startHub(backend)
    // Fewer retries than production (12 sends, 20 UPO downloads) so that jobs run out of them within the test.
    await hub.tuneQueue(QUEUES.submit, { retryLimit: 2 })
    await hub.tuneQueue(QUEUES.upo, { retryLimit: 1 })
  })
  afterAll(() => hub?.close())

  it('parks invoices whose sends run out of retries as dead, and replays one, then all, to confirmed', async () => {
    // A tenant onboarded without its KSeF token: no send can succeed until an operator sets it.
    await hub.context.db
      .deleteFrom('secrets')
      .where('tenant_id', '=', hub.tenantId)
      .where('name', '=', 'ksef-token')
      .execute()
    const ids = [await hub.submit(), await hub.submit(), await hub.submit()]
    await hub.waitFor(ids, ['dead'])

    const listed = await listDeadLetters(hub.context, hub.tenantId)
    expect(listed.invoices.map((invoice) => invoice.id).sort()).toEqual([...ids].sort())
    expect(listed.jobs).toEqual([])
    const parked = await hub.context.boss.findJobs<{ invoiceId: string }>(deadLetterOf(QUEUES.submit), {
      data: { tenantId: hub.tenantId },
    })
    expect(parked.map((job) => job.data.invoiceId).sort()).toEqual([...ids].sort())
    expect(await hub.received()).toEqual(new Map())

    await putSecret(hub.context.db, hub.context.keys, hub.tenantId, 'ksef-token', await issueToken(hub.sim, hub.nip))
    const [first, ...rest] = ids as [string, ...string[]]
    expect(await replayDeadLetters(hub.context, hub.tenantId, [first])).toEqual({ replayed: [first], jobs: 0 })
    await hub.waitFor([first], ['confirmed'])
    const after = await listDeadLetters(hub.context, hub.tenantId)
    expect(after.invoices.map((invoice) => invoice.id).sort()).toEqual([...rest].sort())

    const all = await replayDeadLetters(hub.context, hub.tenantId)
    expect(all.replayed.sort()).toEqual([...rest].sort())
    await hub.waitFor(ids, ['confirmed'])
    await expectConfirmedOnce(hub, ids)
    expect(await listDeadLetters(hub.context, hub.tenantId)).toEqual({ invoices: [], jobs: [] })
    await expect(replayDeadLetters(hub.context, hub.tenantId, [first])).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('dead-letters a UPO download that keeps failing, lists the job, and a replay confirms the invoice', async () => {
    await hub.fault({ kind: 'outage', path: 'upo' })
    const id = await hub.submit()
    await hub.waitFor([id], ['accepted'])
    const deadline = Date.now() + 30_000
    let jobs = (await listDeadLetters(hub.context, hub.tenantId)).jobs
    while (!jobs.some((job) => job.invoiceId === id)) {
      if (Date.now() > deadline) throw new Error('the UPO job was not dead-lettered')
      await new Promise((resolve) => setTimeout(resolve, 200))
      jobs = (await listDeadLetters(hub.context, hub.tenantId)).jobs
    }
    expect(jobs).toEqual([expect.objectContaining({ queue: QUEUES.upo, invoiceId: id })])
    const invoice = await hub.context.db
      .selectFrom('invoices')
      .select('state')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(invoice.state).toBe('accepted')

    await clearFaults(hub.sim)
    expect(await replayDeadLetters(hub.context, hub.tenantId)).toEqual({ replayed: [], jobs: 1 })
    await hub.waitFor([id], ['confirmed'])
    await expectConfirmedOnce(hub, [id])
    expect(await listDeadLetters(hub.context, hub.tenantId)).toEqual({ invoices: [], jobs: [] })
  })
})
