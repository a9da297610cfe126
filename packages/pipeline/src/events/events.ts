/**
 * Domain events of a tenant: stored in the same transaction as the change they report, with a job to deliver
 * them to the tenant's webhook subscriptions. An event exists exactly when its change does.
 *
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { Transaction } from 'kysely'
import type { PgBoss } from 'pg-boss'
import type { Database } from '../db/schema.ts'
import { inTransaction } from '../queue/boss.ts'
import { QUEUES } from '../queue/queues.ts'

/** The events a tenant can subscribe to. */
export const EVENT_TYPES = [
  'invoice.confirmed',
  'invoice.rejected',
  'invoice.stuck',
  'incoming.received',
  /** A source document could not become an invoice: what is wrong, where, and how to fix it. */
  'document.unmappable',
  /** A connection's system refused its grant: the tenant must authorize it again. */
  'connection.needs_reauth',
] as const

/** An event type. */
export type EventType = (typeof EVENT_TYPES)[number]

/** An event to record. */
export interface EventInput {
  readonly tenantId: string
  readonly type: EventType
  readonly invoiceId?: string
  readonly data: Record<string, unknown>
}

/**
 * Records events and enqueues their delivery, in the caller's transaction.
 *
 * @returns the ids of the events
 * @example
 * ```ts
 * await emitEvents(trx, boss, [{ tenantId, type: 'invoice.confirmed', invoiceId, data: { ksefNumber } }])
 * ```
 */
export async function emitEvents(
  trx: Transaction<Database>,
  boss: PgBoss,
  events: readonly EventInput[],
): Promise<string[]> {
  if (events.length === 0) return []
  const rows = events.map((event) => ({
    id: randomUUID(),
    tenant_id: event.tenantId,
    type: event.type,
    invoice_id: event.invoiceId ?? null,
    data: JSON.stringify(event.data),
  }))
  await trx.insertInto('events').values(rows).execute()
  await boss.insert(
    QUEUES.webhook,
    rows.map((row) => ({ data: { eventId: row.id, tenantId: row.tenant_id }, group: { id: row.tenant_id } })),
    inTransaction(trx),
  )
  return rows.map((row) => row.id)
}
