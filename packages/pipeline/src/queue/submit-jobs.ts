/**
 * Queuing invoices for sending: one submit job per invoice, grouped by tenant (the worker's fairness), in the
 * caller's transaction or statement, so an invoice's state and its job commit together.
 *
 * @module
 */
import type { RawBuilder, Transaction } from 'kysely'
import type { JobInsert, PgBoss } from 'pg-boss'
import type { Database } from '../db/schema.ts'
import type { SubmitManyJob } from '../worker/env.ts'
import { inTransaction } from './boss.ts'
import { jobInsert } from './job-insert.ts'
import { QUEUES } from './queues.ts'

function submitJobs(tenantId: string, invoiceIds: readonly string[]): JobInsert[] {
  return invoiceIds.map((invoiceId) => ({ data: { invoiceId, tenantId }, group: { id: tenantId } }))
}

/**
 * Inserts a submit job for each invoice of a tenant, inside `trx`.
 *
 * @example
 * ```ts
 * await queueSubmitJobs(context.boss, trx, 'acme', [invoiceId])
 * ```
 */
export async function queueSubmitJobs(
  boss: PgBoss,
  trx: Transaction<Database>,
  tenantId: string,
  invoiceIds: readonly string[],
): Promise<void> {
  await boss.insert(QUEUES.submit, submitJobs(tenantId, invoiceIds), inTransaction(trx))
}

/**
 * The insert of the jobs that send a tenant's invoices, as a statement of its own or a part of another
 * ({@link jobInsert}): a submit job per invoice, or with `fanOut` one job for them all that the worker turns into
 * their submit jobs (worker/submit/fan-out.ts).
 *
 * @example
 * ```ts
 * const jobs = await submitJobsInsert(context.boss, 'acme', [invoiceId], { fanOut: false })
 * await sql`with jobs as (${jobs}) ...`.execute(context.db)
 * ```
 */
export function submitJobsInsert(
  boss: PgBoss,
  tenantId: string,
  invoiceIds: readonly string[],
  options: { readonly fanOut: boolean },
): Promise<RawBuilder<unknown>> {
  return options.fanOut
    ? jobInsert(boss, QUEUES.submitMany, [{ data: { tenantId, invoiceIds } satisfies SubmitManyJob }])
    : jobInsert(boss, QUEUES.submit, submitJobs(tenantId, invoiceIds))
}
