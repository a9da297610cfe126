/**
 * The only way an invoice changes state: an UPDATE guarded by the expected current states, with its audit entry
 * in the same transaction (and, in the caller's transaction, the job that acts next).
 *
 * @module
 */
import type { Transaction, Updateable } from 'kysely'
import { appendAudit } from '../audit/audit.ts'
import type { Database, InvoicesTable } from '../db/schema.ts'
import { PipelineError } from '../errors.ts'
import { canTransition, type InvoiceState } from './states.ts'

/** A state change of one or more invoices. */
export interface TransitionRequest {
  readonly invoiceIds: readonly string[]
  /** The states the invoices are expected to be in; any other state makes the change illegal. */
  readonly from: readonly InvoiceState[]
  readonly to: InvoiceState
  /** Other columns to set with the state. */
  readonly patch?: Updateable<InvoicesTable>
  readonly actor: string
  readonly details?: Record<string, unknown>
}

/**
 * Moves invoices from one of `from` to `to`. Invoices that are not in one of `from` are left alone and
 * reported: the caller decides whether that is an error (see {@link transitionOrThrow}).
 *
 * @returns the ids that moved
 * @example
 * ```ts
 * await transition(trx, { invoiceIds: [id], from: ['queued'], to: 'sending', actor: 'worker' })
 * ```
 */
export async function transition(trx: Transaction<Database>, request: TransitionRequest): Promise<string[]> {
  for (const from of request.from) {
    if (!canTransition(from, request.to)) {
      throw new PipelineError('ILLEGAL_TRANSITION', `an invoice cannot go from ${from} to ${request.to}`)
    }
  }
  if (request.invoiceIds.length === 0) return []
  // The rows are locked and their current state read in the same statement, so the audit names the state each
  // invoice really left, even when several were allowed.
  const moved = await trx
    .with('before', (db) =>
      db
        .selectFrom('invoices')
        .select(['id', 'state'])
        .where('id', 'in', request.invoiceIds)
        .where('state', 'in', request.from)
        .forUpdate(),
    )
    .updateTable('invoices')
    .from('before')
    // A state change means progress: a later stall is reported again.
    .set({ ...request.patch, state: request.to, updated_at: new Date(), stuck_alerted_at: null })
    .whereRef('invoices.id', '=', 'before.id')
    .returning(['invoices.id', 'invoices.tenant_id', 'before.state as from_state'])
    .execute()
  await appendAudit(
    trx,
    ...moved.map((row) => ({
      tenantId: row.tenant_id,
      invoiceId: row.id,
      kind: 'invoice.state',
      fromState: row.from_state,
      toState: request.to,
      actor: request.actor,
      details: request.details ?? {},
    })),
  )
  return moved.map((row) => row.id)
}

/**
 * Moves one invoice, or throws when it is not in an expected state.
 *
 * @throws {@link PipelineError} `ILLEGAL_TRANSITION` (with the current state) or `NOT_FOUND`
 * @example
 * ```ts
 * await transitionOrThrow(trx, { invoiceIds: [id], from: ['rejected'], to: 'queued', actor: 'api:acme' })
 * ```
 */
export async function transitionOrThrow(trx: Transaction<Database>, request: TransitionRequest): Promise<void> {
  const moved = await transition(trx, request)
  if (moved.length === request.invoiceIds.length) return
  const missing = request.invoiceIds.filter((id) => !moved.includes(id))
  const current = await trx.selectFrom('invoices').select(['id', 'state']).where('id', 'in', missing).execute()
  if (current.length < missing.length) throw new PipelineError('NOT_FOUND', `invoice ${missing[0]} does not exist`)
  throw new PipelineError(
    'ILLEGAL_TRANSITION',
    `invoice ${current[0]?.id} is ${current[0]?.state}; it can go to ${request.to} only from ${request.from.join(' or ')}`,
    { state: current[0]?.state },
  )
}
