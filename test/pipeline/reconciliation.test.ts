import { latestReconciliation, type ReconciliationReport, requestReconciliation } from '@ksef-hub/pipeline'
import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sendDirect } from './direct.ts'
import { type Hub, startHub } from './hub.ts'

// The reconciliation reports a state only after the pipeline had this long to move past it (30 min) — plus margin.
const SETTLED_MS = 31 * 60_000

async function waitForReport(hub: Hub, after: Date | null): Promise<ReconciliationReport> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const report = await latestReconciliation(hub.context, hub.tenantId)
    if (report && (!after || report.createdAt > after)) return report
    if (Date.now() > deadline) throw new Error('no reconciliation report')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe.each(testBackends())('reconciliation of the hub against KSeF (%s)', (backend) => {
  let hub: Hub
  beforeAll(async () => {
    hub = await startHub(backend)
  })
  afterAll(() => hub?.close())

  it('reports each kind of discrepancy in its own bucket, and nothing for invoices that agree', async () => {
    const run = `${backend}-${Date.now().toString(36)}`
    // In agreement: confirmed here, numbered in KSeF.
    const fine = await hub.submit(`FV/FINE/${run}`)
    // Known here with a KSeF number that KSeF does not know (recorded from elsewhere, or lost in KSeF).
    const phantom = await hub.submit(`FV/PHANTOM/${run}`)
    await hub.waitFor([fine, phantom], ['confirmed'])
    const { ksef_number: realNumber } = await hub.context.db
      .selectFrom('invoices')
      .select('ksef_number')
      .where('id', '=', phantom)
      .executeTakeFirstOrThrow()
    const fakeNumber = `${(realNumber as string).slice(0, 20)}FFFFFFFFFFFF-00`
    await hub.context.db.updateTable('invoices').set({ ksef_number: fakeNumber }).where('id', '=', phantom).execute()

    // Sent, but KSeF keeps it in processing (status 150).
    await hub.fault({ kind: 'slow', seconds: 600, count: 1 })
    const stalled = await hub.submit(`FV/STALLED/${run}`)
    await hub.waitFor([stalled], ['sent'])
    // Numbered by KSeF, but its UPO cannot be fetched.
    await hub.fault({ kind: 'outage', path: 'upo' })
    const noUpo = await hub.submit(`FV/NOUPO/${run}`)
    await hub.waitFor([noUpo], ['accepted'])
    // In KSeF, sent by another program: unknown here.
    const stranger = await sendDirect(hub, `FV/STRANGER/${run}`)

    // Before the pipeline had time to settle them, invoices in flight or numbered just now are not discrepancies.
    await requestReconciliation(hub.context, hub.tenantId)
    const early = await waitForReport(hub, null)
    expect(early.summary).toMatchObject({
      confirmed_without_upo: 0,
      sent_without_confirmation: 0,
      in_ksef_unknown_here: 1,
      here_missing_in_ksef: 0,
    })

    hub.advanceClock(SETTLED_MS)
    const { jobId } = await requestReconciliation(hub.context, hub.tenantId)
    expect(jobId).toBeTruthy()
    const report = await waitForReport(hub, early.createdAt)
    const bucket = (kind: string) => report.findings.filter((finding) => finding.kind === kind)
    expect(bucket('confirmed_without_upo')).toEqual([expect.objectContaining({ invoiceId: noUpo })])
    expect(bucket('sent_without_confirmation')).toEqual([
      expect.objectContaining({ invoiceId: stalled, state: 'sent' }),
    ])
    expect(bucket('in_ksef_unknown_here')).toEqual([
      expect.objectContaining({ ksefNumber: stranger.ksefNumber, number: `FV/STRANGER/${run}` }),
    ])
    expect(bucket('here_missing_in_ksef')).toEqual([
      expect.objectContaining({ invoiceId: phantom, ksefNumber: fakeNumber }),
    ])
    expect(bucket('in_ksef_not_recorded_here')).toEqual([])
    expect(report.findings.some((finding) => finding.invoiceId === fine)).toBe(false)
    expect(report.summary).toMatchObject({
      confirmed_without_upo: 1,
      sent_without_confirmation: 1,
      in_ksef_unknown_here: 1,
      in_ksef_not_recorded_here: 0,
      here_missing_in_ksef: 1,
      local_invoices: 4,
    })
  })
})
