/**
 * Work parked while a connection waited for re-authorization (write-backs, imports) goes on once it is authorized
 * again: the schedule finds it within a minute of the new secrets and queues it, in the transaction that unparks it.
 *
 * @module
 */
import type { PipelineContext } from '../context.ts'
import { inTransaction } from '../queue/boss.ts'
import { QUEUES } from '../queue/queues.ts'

/** Most items resumed per run (the next run takes the rest). */
const BATCH = 1_000

/**
 * Queues the parked write-backs and imports of connections that are active again.
 *
 * @returns how many were resumed
 * @example
 * ```ts
 * await resumeParked(context)
 * ```
 */
export async function resumeParked(context: PipelineContext): Promise<number> {
  const invoices = await context.db
    .selectFrom('invoices')
    .innerJoin('connections', (join) =>
      join.onRef('connections.tenant_id', '=', 'invoices.tenant_id').onRef('connections.name', '=', 'invoices.source'),
    )
    .select(['invoices.id', 'invoices.tenant_id'])
    .where('invoices.writeback_state', '=', 'parked')
    .where('connections.status', '=', 'active')
    .where('connections.enabled', '=', true)
    .limit(BATCH)
    .execute()
  const imports = await context.db
    .selectFrom('incoming_imports')
    .innerJoin('connections', 'connections.id', 'incoming_imports.connection_id')
    .select(['incoming_imports.connection_id', 'incoming_imports.incoming_id', 'incoming_imports.tenant_id'])
    .where('incoming_imports.state', '=', 'parked')
    .where('connections.status', '=', 'active')
    .where('connections.enabled', '=', true)
    .limit(BATCH)
    .execute()
  if (invoices.length === 0 && imports.length === 0) return 0
  await context.db.transaction().execute(async (trx) => {
    if (invoices.length > 0) {
      const resumed = await trx
        .updateTable('invoices')
        .set({ writeback_state: 'pending', writeback_error: null })
        .where(
          'id',
          'in',
          invoices.map((invoice) => invoice.id),
        )
        .where('writeback_state', '=', 'parked')
        .returning(['id', 'tenant_id'])
        .execute()
      if (resumed.length > 0) {
        await context.boss.insert(
          QUEUES.writeBack,
          resumed.map((row) => ({
            data: { invoiceId: row.id, tenantId: row.tenant_id },
            group: { id: row.tenant_id },
          })),
          inTransaction(trx),
        )
      }
    }
    for (const item of imports) {
      const resumed = await trx
        .updateTable('incoming_imports')
        .set({ state: 'pending', updated_at: new Date() })
        .where('connection_id', '=', item.connection_id)
        .where('incoming_id', '=', item.incoming_id)
        .where('state', '=', 'parked')
        .returning('incoming_id')
        .executeTakeFirst()
      if (!resumed) continue
      await context.boss.send(
        QUEUES.connectionImport,
        { tenantId: item.tenant_id, connectionId: item.connection_id, incomingId: item.incoming_id },
        { ...inTransaction(trx), group: { id: item.tenant_id } },
      )
    }
  })
  return invoices.length + imports.length
}
