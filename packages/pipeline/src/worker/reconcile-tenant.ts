/**
 * Reconciliation: the hub's records against KSeF's (a metadata query of the tenant's own sales), reporting
 * invoices numbered but without a UPO, sent but without an answer, present in KSeF but unknown here, and
 * numbered here but absent from KSeF.
 *
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { Job } from 'pg-boss'
import { appendAudit } from '../audit/audit.ts'
import { QUEUES } from '../queue/queues.ts'
import { listTenants } from '../tenants/tenants.ts'
import type { WorkerEnv } from './env.ts'

/** A reconciliation request: one tenant, or (from the schedule) every tenant that is due. */
export interface ReconcileJob {
  readonly tenantId?: string
  readonly days?: number
}

// An invoice is overdue in a state only after this long: the pipeline may simply not have got to it yet.
const SETTLE_MS = 30 * 60_000
// KSeF's metadata query spans at most 3 months and allows 20 calls an hour: a run reads at most this many pages.
const MAX_PAGES = 8

async function reconcileTenant(env: WorkerEnv, tenantId: string, days: number): Promise<void> {
  const now = env.context.now()
  const from = new Date(now.getTime() - Math.min(days, 90) * 24 * 3600_000)
  const tc = await env.pool.forTenant(tenantId)
  const ksef = await tc.client.queryInvoiceMetadata(
    { subjectType: 'Subject1', dateRange: { dateType: 'Invoicing', from: from.toISOString(), to: now.toISOString() } },
    { maxPages: MAX_PAGES },
  )
  const local = await env.context.db
    .selectFrom('invoices')
    .select(['id', 'state', 'invoice_number', 'invoice_type', 'ksef_number', 'updated_at', 'created_at', 'accepted_at'])
    .where('tenant_id', '=', tenantId)
    .where('created_at', '>=', new Date(from.getTime() - 24 * 3600_000))
    .execute()
  const settled = (at: Date) => now.getTime() - at.getTime() > SETTLE_MS
  const byKsefNumber = new Map(local.filter((row) => row.ksef_number).map((row) => [row.ksef_number as string, row]))
  const byKey = new Map(local.map((row) => [`${row.invoice_type}|${row.invoice_number}`, row]))
  const findings: Record<string, unknown>[] = []
  for (const row of local) {
    if (row.state === 'accepted' && settled(row.updated_at)) {
      findings.push({
        kind: 'confirmed_without_upo',
        invoiceId: row.id,
        number: row.invoice_number,
        ksefNumber: row.ksef_number,
      })
    }
    if (['sending', 'sent', 'ambiguous'].includes(row.state) && settled(row.updated_at)) {
      findings.push({
        kind: 'sent_without_confirmation',
        invoiceId: row.id,
        number: row.invoice_number,
        state: row.state,
      })
    }
  }
  const typeCodes: Record<string, string> = {
    Vat: 'VAT',
    Kor: 'KOR',
    Zal: 'ZAL',
    Roz: 'ROZ',
    Upr: 'UPR',
    KorZal: 'KOR_ZAL',
    KorRoz: 'KOR_ROZ',
  }
  const inKsef = new Set<string>()
  for (const record of ksef.invoices) {
    inKsef.add(record.ksefNumber)
    const known =
      byKsefNumber.get(record.ksefNumber) ??
      byKey.get(`${typeCodes[record.invoiceType] ?? record.invoiceType}|${record.invoiceNumber}`)
    if (!known) {
      findings.push({
        kind: 'in_ksef_unknown_here',
        ksefNumber: record.ksefNumber,
        number: record.invoiceNumber,
        invoicingDate: record.invoicingDate,
      })
    } else if (
      !known.ksef_number &&
      ['confirmed', 'accepted'].includes(known.state) === false &&
      settled(known.updated_at)
    ) {
      findings.push({
        kind: 'in_ksef_not_recorded_here',
        invoiceId: known.id,
        ksefNumber: record.ksefNumber,
        state: known.state,
      })
    }
  }
  if (ksef.complete) {
    for (const row of local) {
      // Numbered only just now, KSeF's answer above (asked before the hub's rows were read) may predate it.
      const numberedAt = row.accepted_at ?? row.updated_at
      if (row.ksef_number && !inKsef.has(row.ksef_number) && row.created_at >= from && settled(numberedAt)) {
        findings.push({
          kind: 'here_missing_in_ksef',
          invoiceId: row.id,
          ksefNumber: row.ksef_number,
          number: row.invoice_number,
        })
      }
    }
  }
  const summary: Record<string, number> = {
    confirmed_without_upo: 0,
    sent_without_confirmation: 0,
    in_ksef_unknown_here: 0,
    in_ksef_not_recorded_here: 0,
    here_missing_in_ksef: 0,
    ksef_records: ksef.invoices.length,
    local_invoices: local.length,
  }
  for (const finding of findings) summary[finding.kind as string] = (summary[finding.kind as string] ?? 0) + 1
  await env.context.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('reconciliation_reports')
      .values({
        id: randomUUID(),
        tenant_id: tenantId,
        range_from: from,
        range_to: now,
        summary: JSON.stringify(summary),
        findings: JSON.stringify(findings),
      })
      .execute()
    await appendAudit(trx, {
      tenantId,
      kind: 'reconciliation',
      actor: 'worker',
      details: { summary, complete: ksef.complete },
    })
  })
}

/**
 * The handler of the reconciliation queue.
 *
 * @example
 * ```ts
 * await boss.work(QUEUES.reconcileTenant, reconcileTenantHandler(env))
 * ```
 */
export function reconcileTenantHandler(env: WorkerEnv): (jobs: Job<ReconcileJob>[]) => Promise<void> {
  return async ([job]) => {
    if (!job) return
    if (job.data.tenantId) return reconcileTenant(env, job.data.tenantId, job.data.days ?? 7)
    // The schedule: start a reconciliation for every tenant whose last one is older than its interval.
    const now = env.context.now().getTime()
    for (const tenant of await listTenants(env.context.db)) {
      if (tenant.disabled) continue
      const last = await env.context.db
        .selectFrom('reconciliation_reports')
        .select('created_at')
        .where('tenant_id', '=', tenant.id)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst()
      if (last && now - last.created_at.getTime() < tenant.settings.reconcileEveryHours * 3600_000) continue
      await env.context.boss.send(
        QUEUES.reconcileTenant,
        { tenantId: tenant.id, days: 7 },
        { singletonKey: `reconcile:${tenant.id}`, group: { id: tenant.id } },
      )
    }
  }
}
