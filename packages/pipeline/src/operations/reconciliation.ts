/**
 * Reconciliation on request, and its reports.
 *
 * @module
 */
import type { PipelineContext } from '../context.ts'
import { QUEUES } from '../queue/queues.ts'

/** A reconciliation report. */
export interface ReconciliationReport {
  readonly id: string
  readonly tenantId: string
  readonly createdAt: Date
  readonly rangeFrom: Date
  readonly rangeTo: Date
  /** Counts per finding kind. */
  readonly summary: Readonly<Record<string, number>>
  readonly findings: readonly Record<string, unknown>[]
}

/**
 * Asks the worker to reconcile a tenant now (over the last `days` days, default 7).
 *
 * @returns the job id, or `null` when a reconciliation of the tenant is already waiting
 * @example
 * ```ts
 * await requestReconciliation(context, 'acme')
 * ```
 */
export async function requestReconciliation(
  context: PipelineContext,
  tenantId: string,
  days = 7,
): Promise<{ jobId: string | null }> {
  // One waiting request per tenant: asking again while one waits creates no second job.
  const jobId = await context.boss.send(
    QUEUES.reconcileTenant,
    { tenantId, days },
    { singletonKey: `reconcile:${tenantId}`, group: { id: tenantId } },
  )
  return { jobId }
}

/**
 * A tenant's latest reconciliation report, or `null` when none ran yet.
 *
 * @example
 * ```ts
 * const report = await latestReconciliation(context, 'acme')
 * ```
 */
export async function latestReconciliation(
  context: PipelineContext,
  tenantId: string,
): Promise<ReconciliationReport | null> {
  const row = await context.db
    .selectFrom('reconciliation_reports')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst()
  if (!row) return null
  return {
    id: row.id,
    tenantId: row.tenant_id,
    createdAt: row.created_at,
    rangeFrom: row.range_from,
    rangeTo: row.range_to,
    summary: row.summary,
    findings: row.findings,
  }
}
