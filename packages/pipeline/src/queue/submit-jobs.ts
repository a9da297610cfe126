/**
 * Queuing invoices for sending: one submit job per invoice, grouped by tenant (the worker's fairness), in the
 * caller's transaction, so an invoice's state and its job commit together.
 *
 * @module
 */
import type { Transaction } from 'kysely'
import type { PgBoss } from 'pg-boss'
import type { Database } from '../db/schema.ts'
import { inTransaction } from './boss.ts'
import { QUEUES } from './queues.ts'

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
  await boss.insert(
    QUEUES.submit,
    invoiceIds.map((invoiceId) => ({ data: { invoiceId, tenantId }, group: { id: tenantId } })),
    inTransaction(trx),
  )
}
