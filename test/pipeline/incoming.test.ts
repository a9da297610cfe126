import { incomingInvoiceModel, incomingInvoiceXml, QUEUES, requestIncomingPull } from '@ksef-hub/pipeline'
import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { injectPurchase, otherNip } from './direct.ts'
import { type Hub, startHub } from './hub.ts'

interface SyncState {
  high_water_mark: Date | null
  last_run_at: Date | null
}

async function syncState(hub: Hub): Promise<SyncState | undefined> {
  return hub.context.db
    .selectFrom('incoming_sync')
    .select(['high_water_mark', 'last_run_at'])
    .where('tenant_id', '=', hub.tenantId)
    .executeTakeFirst()
}

async function waitForJob(hub: Hub, jobId: string | null): Promise<void> {
  if (!jobId) throw new Error('no job was created')
  const deadline = Date.now() + 30_000
  for (;;) {
    const job = await hub.context.boss.getJobById(QUEUES.incoming, jobId)
    if (job?.state === 'completed') return
    if (job?.state === 'failed' || Date.now() > deadline) {
      throw new Error(`incoming job ${jobId} is ${job?.state}: ${JSON.stringify(job?.output)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Runs the schedule's fan-out and waits for the tenant's pull it starts, if any; returns whether it started one. */
async function scheduledRun(hub: Hub): Promise<boolean> {
  const before = await hub.context.boss.findJobs(QUEUES.incoming, { data: { tenantId: hub.tenantId } })
  await waitForJob(hub, await hub.context.boss.send(QUEUES.incoming, {}))
  const after = await hub.context.boss.findJobs(QUEUES.incoming, { data: { tenantId: hub.tenantId } })
  const started = after.filter((job) => !before.some((earlier) => earlier.id === job.id))
  for (const job of started) await waitForJob(hub, job.id)
  return started.length > 0
}

async function stored(hub: Hub) {
  return hub.context.db
    .selectFrom('incoming_invoices')
    .select(['id', 'ksef_number', 'seller_nip', 'invoice_number', 'gross_amount'])
    .where('tenant_id', '=', hub.tenantId)
    .orderBy('invoice_number')
    .execute()
}

async function receivedEvents(hub: Hub) {
  const rows = await hub.context.db
    .selectFrom('events')
    .select('data')
    .where('tenant_id', '=', hub.tenantId)
    .where('type', '=', 'incoming.received')
    .execute()
  return rows.map((row) => row.data.ksefNumber as string).sort()
}

describe.each(testBackends())('incoming purchase invoices pulled from KSeF (%s)', (backend) => {
  let hub: Hub
  const run = `${backend}-${Date.now().toString(36)}`
  beforeAll(async () => {
    hub = await startHub(backend)
  })
  afterAll(() => hub?.close())

  it('stores new purchase invoices with their model, once each, advancing the high-water mark', async () => {
    const sellerA = otherNip()
    const sellerB = otherNip()
    const a = await injectPurchase(hub, { sellerNip: sellerA, number: `FZ/A/${run}` })
    const b = await injectPurchase(hub, { sellerNip: sellerB, number: `FZ/B/${run}` })
    // Another buyer's invoice is not the tenant's to see.
    await injectPurchase(hub, { sellerNip: sellerA, number: `FZ/NOT-OURS/${run}`, buyerNip: otherNip() })

    expect(await scheduledRun(hub)).toBe(true)
    const first = await syncState(hub)
    expect(first?.high_water_mark).toBeInstanceOf(Date)
    expect(first?.last_run_at).toBeInstanceOf(Date)
    const rows = await stored(hub)
    expect(rows.map((row) => row.ksef_number).sort()).toEqual([a.ksefNumber, b.ksefNumber].sort())
    const rowA = rows.find((row) => row.ksef_number === a.ksefNumber)
    expect(rowA).toMatchObject({ seller_nip: sellerA, invoice_number: `FZ/A/${run}` })
    const { model, metadata } = await incomingInvoiceModel(hub.context.db, hub.tenantId, rowA?.id as string)
    expect(model).toMatchObject({
      seller: { nip: sellerA },
      buyer: { id: { kind: 'nip', nip: hub.nip } },
      details: { number: `FZ/A/${run}` },
    })
    expect(metadata).toMatchObject({ ksefNumber: a.ksefNumber })
    const xml = await incomingInvoiceXml(hub.context.db, hub.tenantId, rowA?.id as string)
    expect(new TextDecoder().decode(xml ?? new Uint8Array())).toContain(`FZ/A/${run}`)
    expect(await receivedEvents(hub)).toEqual([a.ksefNumber, b.ksefNumber].sort())

    // Within 15 minutes the schedule leaves KSeF alone, and so does an unforced request.
    const c = await injectPurchase(hub, { sellerNip: sellerB, number: `FZ/C/${run}` })
    expect(await scheduledRun(hub)).toBe(false)
    await waitForJob(hub, (await requestIncomingPull(hub.context, hub.tenantId)).jobId)
    expect(await syncState(hub)).toEqual(first)
    expect(await stored(hub)).toHaveLength(2)

    // Forced, it pulls: only the new invoice, and the mark moves on.
    await waitForJob(hub, (await requestIncomingPull(hub.context, hub.tenantId, { force: true })).jobId)
    const second = await syncState(hub)
    expect(second?.high_water_mark?.getTime()).toBeGreaterThan(first?.high_water_mark?.getTime() as number)
    expect((await stored(hub)).map((row) => row.ksef_number)).toContain(c.ksefNumber)
    expect(await receivedEvents(hub)).toEqual([a.ksefNumber, b.ksefNumber, c.ksefNumber].sort())

    // Past 15 minutes the schedule pulls again by itself.
    const d = await injectPurchase(hub, { sellerNip: sellerA, number: `FZ/D/${run}` })
    hub.advanceClock(16 * 60_000)
    expect(await scheduledRun(hub)).toBe(true)
    expect((await stored(hub)).map((row) => row.ksef_number).sort()).toEqual(
      [a.ksefNumber, b.ksefNumber, c.ksefNumber, d.ksefNumber].sort(),
    )
  })

  it('deduplicates by KSeF number when a window is read again', async () => {
    const before = await stored(hub)
    const events = await receivedEvents(hub)
    // Read everything again from the start (as after restoring an older high-water mark).
    await hub.context.db
      .updateTable('incoming_sync')
      .set({ high_water_mark: new Date(Date.now() - 24 * 3600_000) })
      .where('tenant_id', '=', hub.tenantId)
      .execute()
    await waitForJob(hub, (await requestIncomingPull(hub.context, hub.tenantId, { force: true })).jobId)
    expect(await stored(hub)).toEqual(before)
    expect(await receivedEvents(hub)).toEqual(events)
    const state = await syncState(hub)
    expect(state?.high_water_mark?.getTime()).toBeGreaterThan(Date.now() - 3600_000)
  })
})
