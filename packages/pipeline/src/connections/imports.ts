/**
 * Purchase invoices from KSeF into the tenant's systems: each incoming invoice becomes a bill through every
 * connection that imports, once. The import is queued in the transaction that stores the incoming invoice; the
 * connector's import is idempotent by KSeF number (it looks before it creates), and the hub records each import
 * per connection, so a retry or a replay never makes a second bill.
 *
 * @module
 */

import { isConnectorError } from '@ksef-hub/connector-sdk'
import type { Transaction } from 'kysely'
import type { Job } from 'pg-boss'
import type { PipelineContext } from '../context.ts'
import type { Database } from '../db/schema.ts'
import { inTransaction } from '../queue/boss.ts'
import { QUEUES } from '../queue/queues.ts'
import { toConnectionRecord } from './connections.ts'
import { settleFailure } from './health.ts'
import { type HostOptions, hostConnection } from './host.ts'

/** An import job. */
export interface ImportJob {
  readonly tenantId: string
  readonly connectionId: string
  readonly incomingId: string
  readonly deferrals?: number
}

const MAX_DEFERRALS = 50

/**
 * Queues the import of new incoming invoices through each of the tenant's importing connections, in the
 * transaction that stores them.
 *
 * @example
 * ```ts
 * await queueImports(trx, context.boss, tenantId, freshIds)
 * ```
 */
export async function queueImports(
  trx: Transaction<Database>,
  boss: PipelineContext['boss'],
  tenantId: string,
  incomingIds: readonly string[],
): Promise<void> {
  if (incomingIds.length === 0) return
  const importing = await trx
    .selectFrom('connections')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('import_incoming', '=', true)
    .where('enabled', '=', true)
    .execute()
  if (importing.length === 0) return
  const pairs = importing.flatMap((connection) =>
    incomingIds.map((incomingId) => ({ connectionId: connection.id, incomingId })),
  )
  await trx
    .insertInto('incoming_imports')
    .values(
      pairs.map((pair) => ({
        connection_id: pair.connectionId,
        incoming_id: pair.incomingId,
        tenant_id: tenantId,
        state: 'pending' as const,
      })),
    )
    .onConflict((conflict) => conflict.columns(['connection_id', 'incoming_id']).doNothing())
    .execute()
  await boss.insert(
    QUEUES.connectionImport,
    pairs.map((pair) => ({ data: { tenantId, ...pair } satisfies ImportJob, group: { id: tenantId } })),
    inTransaction(trx),
  )
}

async function settle(
  context: PipelineContext,
  job: ImportJob,
  change: { state: 'pending' | 'done' | 'failed' | 'parked'; target_ref?: string; error?: string | null },
): Promise<void> {
  await context.db
    .updateTable('incoming_imports')
    .set({ ...change, updated_at: new Date(), attempts: (eb) => eb('attempts', '+', 1) })
    .where('connection_id', '=', job.connectionId)
    .where('incoming_id', '=', job.incomingId)
    .execute()
}

/**
 * The handler of the import queue.
 *
 * @example
 * ```ts
 * await boss.work(QUEUES.connectionImport, perJob, eachJob(importHandler(context, options), 2))
 * ```
 */
export function importHandler(context: PipelineContext, options: HostOptions): (job: Job<ImportJob>) => Promise<void> {
  return async (job) => {
    const record = await context.db
      .selectFrom('incoming_imports')
      .select('state')
      .where('connection_id', '=', job.data.connectionId)
      .where('incoming_id', '=', job.data.incomingId)
      .executeTakeFirst()
    if (!record || record.state === 'done') return
    const row = await context.db
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', job.data.connectionId)
      .executeTakeFirst()
    const connector = row ? options.registry.get(row.connector) : undefined
    if (!row?.enabled || !row.import_incoming || !connector?.importIncoming) {
      await settle(context, job.data, { state: 'failed', error: 'the connection no longer imports incoming invoices' })
      return
    }
    const connection = toConnectionRecord(row)
    if (connection.status === 'needs_reauth') {
      // Parked, and resumed by the schedule once the connection is authorized again.
      await settle(context, job.data, {
        state: 'parked',
        error: `the ${connection.name} connection needs re-authorization`,
      })
      return
    }
    const incoming = await context.db
      .selectFrom('incoming_invoices')
      .selectAll()
      .where('id', '=', job.data.incomingId)
      .where('tenant_id', '=', connection.tenantId)
      .executeTakeFirstOrThrow()
    try {
      const work = await hostConnection(context, options, connector, connection, job.signal)
      const outcome = await connector.importIncoming(work, {
        ksefNumber: incoming.ksef_number,
        sellerNip: incoming.seller_nip,
        sellerName: incoming.seller_name,
        invoiceNumber: incoming.invoice_number,
        invoiceType: incoming.invoice_type,
        issueDate:
          typeof incoming.issue_date === 'string'
            ? incoming.issue_date
            : new Date(incoming.issue_date).toISOString().slice(0, 10),
        currency: incoming.currency,
        grossAmount: incoming.gross_amount,
        xml: new Uint8Array(incoming.xml ?? Buffer.alloc(0)),
        invoice: (incoming.model as never) ?? null,
      })
      await settle(context, job.data, { state: 'done', target_ref: outcome.ref, error: null })
    } catch (error) {
      const action = await settleFailure(context, connection, error)
      if (action.kind === 'retry') {
        // Kept pending for the queue's retries, with the attempt and its error on the record: it showed nothing
        // of a failure (and stayed so when the retries ran out).
        await settle(context, job.data, { state: 'pending', error: (error as Error).message.slice(0, 1000) })
        throw error
      }
      if (action.kind === 'defer' && (job.data.deferrals ?? 0) < MAX_DEFERRALS) {
        await context.boss.send(
          QUEUES.connectionImport,
          { ...job.data, deferrals: (job.data.deferrals ?? 0) + 1 },
          { startAfter: new Date(Date.now() + action.afterMs), group: { id: connection.tenantId } },
        )
        return
      }
      const refused = isConnectorError(error) && error.kind === 'auth'
      await settle(context, job.data, {
        state: refused ? 'parked' : 'failed',
        error: (error as Error).message.slice(0, 1000),
      })
    }
  }
}
