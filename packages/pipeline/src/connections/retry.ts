/**
 * A person's retry of documents that did not become invoices: after fixing what their mapping needed (a customer's
 * NIP, a tax code in the connection's table), the documents wait to be mapped again at once. The pull that follows
 * reads each again from the source when its connector can read one document (a fixed customer changes no posted
 * invoice, so no pull would find the invoice changed), otherwise maps it as it was pulled.
 *
 * @module
 */
import { appendAudit } from '../audit/audit.ts'
import type { PipelineContext } from '../context.ts'
import type { SourceDocumentState } from '../db/connections-schema.ts'
import { PipelineError } from '../errors.ts'
import { getConnection } from './connections.ts'
import { requestPull } from './pull.ts'

/** Documents a retry may take: those with no invoice, for a reason a fix can remove. */
const RETRYABLE = new Set<SourceDocumentState>(['unmappable', 'invalid', 'skipped', 'refused', 'waiting'])

/** Refs one request may retry. */
export const MAX_RETRY_REFS = 100

/**
 * Makes documents of a connection wait to be mapped again now, and asks for the pull that maps them.
 *
 * @returns how many documents will be mapped again
 * @throws {@link PipelineError} `NOT_FOUND` for an unknown connection or document (naming it), `ILLEGAL_TRANSITION`
 *   for a document that already is an invoice (retry the invoice instead); nothing is changed then
 * @example
 * ```ts
 * await retryDocuments(context, 'acme', 'business-central', ['companies(f64e…)/salesInvoices(5d11…)'], 'api:acme')
 * ```
 */
export async function retryDocuments(
  context: PipelineContext,
  tenantId: string,
  connectionNameOrId: string,
  refs: readonly string[],
  actor: string,
): Promise<number> {
  const connection = await getConnection(context.db, tenantId, connectionNameOrId)
  const wanted = [...new Set(refs)]
  if (wanted.length === 0) return 0
  if (wanted.length > MAX_RETRY_REFS) {
    throw new PipelineError('ILLEGAL_TRANSITION', `at most ${MAX_RETRY_REFS} documents may be retried at once`)
  }
  const retried = await context.db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('source_documents')
      .select(['ref', 'state', 'invoice_id'])
      .where('connection_id', '=', connection.id)
      .where('ref', 'in', wanted)
      .forUpdate()
      .execute()
    const found = new Map(rows.map((row) => [row.ref, row]))
    for (const ref of wanted) {
      const row = found.get(ref)
      if (!row) throw new PipelineError('NOT_FOUND', `connection ${connection.name} has no document ${ref}`, { ref })
      if (!RETRYABLE.has(row.state)) {
        throw new PipelineError(
          'ILLEGAL_TRANSITION',
          `document ${ref} already became invoice ${row.invoice_id}: retry the invoice, not the document`,
          { ref, invoiceId: row.invoice_id },
        )
      }
    }
    await trx
      .updateTable('source_documents')
      .set({
        state: 'waiting',
        retry_at: context.now(),
        attempts: 0,
        reason: 'a retry was asked for',
        updated_at: new Date(),
      })
      .where('connection_id', '=', connection.id)
      .where('ref', 'in', wanted)
      .execute()
    await appendAudit(trx, {
      tenantId,
      kind: 'document.retry',
      actor,
      details: { connection: connection.name, refs: wanted },
    })
    return wanted.length
  })
  await requestPull(context, { tenantId, connectionId: connection.id, reason: 'remap' })
  return retried
}
