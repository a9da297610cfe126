/**
 * A tenant's invoices counted by state and by the four words accountants read.
 *
 * @module
 */
import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../db/schema.ts'
import { type AccountantStatus, accountantStatus, type InvoiceState } from './states.ts'

/** The counts. */
export interface InvoiceCounts {
  readonly invoices: Readonly<Record<AccountantStatus, number>>
  readonly states: Readonly<Partial<Record<InvoiceState, number>>>
}

/**
 * Counts a tenant's invoices.
 *
 * @example
 * ```ts
 * const { invoices } = await invoiceCounts(db, 'acme') // { sent: 3, awaiting_confirmation: 1, confirmed: 40, rejected: 2 }
 * ```
 */
export async function invoiceCounts(
  db: Kysely<Database> | Transaction<Database>,
  tenantId: string,
): Promise<InvoiceCounts> {
  const rows = await db
    .selectFrom('invoices')
    .select(['state', (eb) => eb.fn.countAll<string>().as('count')])
    .where('tenant_id', '=', tenantId)
    .groupBy('state')
    .execute()
  const invoices: Record<AccountantStatus, number> = { sent: 0, awaiting_confirmation: 0, confirmed: 0, rejected: 0 }
  const states: Partial<Record<InvoiceState, number>> = {}
  for (const row of rows) {
    const state = row.state as InvoiceState
    states[state] = Number(row.count)
    invoices[accountantStatus(state)] += Number(row.count)
  }
  return { invoices, states }
}
