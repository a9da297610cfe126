/**
 * Bulk intake: many invoices in one transaction, for throughput. Each item is checked structurally (the zod
 * model), stored in state `received` with one multi-row INSERT, and gets its submit job in the same transaction
 * (for a large request, one fan-out job per thousand invoices that the worker turns into their submit jobs);
 * the worker runs the full checks (XSD, business rules) before sending, as it does for every `received` invoice.
 *
 * The rules per item are intake's (invoices/intake.ts): the same source document is stored once and answers with
 * its first id; changed content of a document in flight is `IDEMPOTENCY_CONFLICT`; a rejected document comes
 * back in line with its corrected content; a number already used by another live invoice is
 * `DUPLICATE_INVOICE_NUMBER`. Items fail or succeed on their own: one bad invoice does not sink the request.
 *
 * @module
 */
import { sql, type Transaction } from 'kysely'
import { redact } from '../audit/redact.ts'
import type { PipelineContext } from '../context.ts'
import type { Database } from '../db/schema.ts'
import { PipelineError, type PipelineErrorCode } from '../errors.ts'
import { newRecordId } from '../invoices/keys.ts'
import { type AccountantStatus, accountantStatus, type InvoiceState } from '../invoices/states.ts'
import { transitionOrThrow } from '../invoices/transition.ts'
import { inTransaction } from '../queue/boss.ts'
import { QUEUES } from '../queue/queues.ts'
import { queueSubmitJobs } from '../queue/submit-jobs.ts'
import { getTenant } from '../tenants/tenants.ts'
import { liveNumbers, storedDocuments } from './lookups.ts'
import { type Candidate, columnsOf, failure, prepare } from './prepare.ts'

/** One invoice of a bulk submission. */
export interface BulkItem {
  /** The canonical JSON model (the header may be left out). */
  readonly invoice: unknown
  /** The document's identity in the source system; KSeF's duplicate key when absent. */
  readonly sourceRef?: string
}

/** A bulk submission. */
export interface BulkRequest {
  readonly tenantId: string
  readonly items: readonly BulkItem[]
  /** `api` or a connector id. */
  readonly source?: string
  readonly actor?: string
  /** The tenant, when the caller has it at hand (saves a query per request). */
  readonly tenant?: { readonly id: string; readonly nip: string }
}

/** What became of one item. */
export type BulkItemResult =
  | {
      readonly index: number
      readonly ok: true
      readonly id: string
      readonly state: InvoiceState
      readonly status: AccountantStatus
      /** `false` when the same document was already stored. */
      readonly created: boolean
    }
  | {
      readonly index: number
      readonly ok: false
      readonly error: { readonly code: PipelineErrorCode; readonly message: string; readonly details?: unknown }
    }

/** Most items per request: one transaction must stay short. */
export const BULK_MAX_ITEMS = 5_000

/**
 * From how many stored invoices a request's submit jobs are fanned out by the worker rather than inserted here:
 * a job row per invoice was a quarter of the database's work per invoice, but the fan-out costs the invoices one
 * more worker poll before they go, which a group commit of single submissions should not wait for.
 */
export const BULK_FAN_OUT_FROM = 100

const CHUNK = 1_000
const INVOICE_COLUMNS = [
  'id',
  'tenant_id',
  'source',
  'source_ref',
  'idempotency_key',
  'state',
  'offline',
  'writeback_state',
  'content_hash',
  'duplicate_key',
  'seller_nip',
  'invoice_type',
  'invoice_number',
  'issue_date',
  'gross_amount',
  'currency',
  'model',
  'warnings',
].join(', ')
const AUDIT_COLUMNS = 'tenant_id, invoice_id, kind, to_state, actor, details'

async function store(
  trx: Transaction<Database>,
  context: PipelineContext,
  request: BulkRequest,
  tenantId: string,
  candidates: readonly Candidate[],
): Promise<BulkItemResult[]> {
  const source = request.source ?? 'api'
  const actor = request.actor ?? `api:${tenantId}`
  const results: BulkItemResult[] = []
  // Sorted, so that requests with documents in common lock their rows in one order (no deadlock between them).
  const keys = [...new Set(candidates.map((candidate) => candidate.key))].sort()
  const dups = [...new Set(candidates.map((candidate) => candidate.dup.value))]
  const existing = new Map<string, { id: string; state: string; content_hash: string }>()
  const live = new Map<string, { id: string; ksef_number: string | null }>()
  // One array parameter per lookup (not one parameter per key): cheap to send, one plan on the server.
  // The numbers first, then the documents: each statement sees what was committed before it began, so a document
  // another request commits meanwhile is seen by the second lookup whenever the first saw its number (the other
  // order took a document committed between the two for another document with the same number).
  for (let start = 0; start < dups.length; start += CHUNK) {
    const { rows } = await liveNumbers(tenantId, dups.slice(start, start + CHUNK)).execute(trx)
    for (const row of rows) live.set(row.duplicate_key, row)
  }
  for (let start = 0; start < keys.length; start += CHUNK) {
    const { rows } = await storedDocuments(tenantId, keys.slice(start, start + CHUNK)).execute(trx)
    for (const row of rows) existing.set(row.idempotency_key, row)
  }

  const inserts: { id: string; candidate: Candidate }[] = []
  const resubmits: { id: string; candidate: Candidate }[] = []
  // What this request itself has claimed: items later in the list see items earlier in it.
  const claimedKeys = new Map<string, { id: string; hash: string; state: InvoiceState; created: boolean }>()
  for (const candidate of candidates) {
    const { index, key, hash, dup } = candidate
    const earlier = claimedKeys.get(key)
    if (earlier) {
      results.push(
        earlier.hash === hash
          ? {
              index,
              ok: true,
              id: earlier.id,
              state: earlier.state,
              status: accountantStatus(earlier.state),
              created: false,
            }
          : failure(
              index,
              'IDEMPOTENCY_CONFLICT',
              `${source} document ${candidate.sourceRef} appears twice in this request with different content`,
            ),
      )
      continue
    }
    const found = existing.get(key)
    if (found && found.content_hash === hash) {
      const state = found.state as InvoiceState
      results.push({ index, ok: true, id: found.id, state, status: accountantStatus(state), created: false })
      claimedKeys.set(key, { id: found.id, hash, state, created: false })
      continue
    }
    if (found && found.state !== 'rejected') {
      results.push(
        failure(
          index,
          'IDEMPOTENCY_CONFLICT',
          `${source} document ${candidate.sourceRef} was submitted before with different content (invoice ${found.id}, ${found.state}); correct a sent invoice with a correction invoice (KOR), not by resubmitting it`,
          { invoiceId: found.id, state: found.state },
        ),
      )
      continue
    }
    const clash = live.get(dup.value)
    if (clash && clash.id !== found?.id) {
      results.push(
        failure(
          index,
          'DUPLICATE_INVOICE_NUMBER',
          `invoice number ${dup.invoiceNumber} (${dup.invoiceType}) of seller ${dup.sellerNip} is already used by invoice ${clash.id}${clash.ksef_number ? ` (KSeF ${clash.ksef_number})` : ''}; KSeF would reject it as a duplicate`,
          { invoiceId: clash.id, ksefNumber: clash.ksef_number },
        ),
      )
      continue
    }
    const id = found?.id ?? newRecordId()
    live.set(dup.value, { id, ksef_number: null })
    claimedKeys.set(key, { id, hash, state: 'received', created: !found })
    ;(found ? resubmits : inserts).push({ id, candidate })
    results.push({ index, ok: true, id, state: 'received', status: accountantStatus('received'), created: !found })
  }

  // Each short column travels as one array parameter, and the models as one JSON array whose elements go into
  // the `json` column as they are (the server only finds their bounds). One JSON document of whole rows,
  // expanded by jsonb_populate_recordset, cost the server five times as much: it converted every model to jsonb.
  for (let start = 0; start < inserts.length; start += CHUNK) {
    const chunk = inserts.slice(start, start + CHUNK)
    // The document's columns as resubmissions set them too (`columnsOf`), one array per column.
    const documents = chunk.map((entry) => ({ candidate: entry.candidate, columns: columnsOf(entry.candidate) }))
    const column = <T>(pick: (row: (typeof documents)[number]) => T): T[] => documents.map(pick)
    const ids = chunk.map((entry) => entry.id)
    const models = `[${column(({ candidate }) => candidate.json).join(',')}]`
    const details = column(({ candidate }) =>
      JSON.stringify(redact({ source, sourceRef: candidate.sourceRef, number: candidate.dup.invoiceNumber })),
    )
    await sql`with invoices as (
        insert into hub.invoices (${sql.raw(INVOICE_COLUMNS)})
        select row.id, ${tenantId}::text, ${source}::text, row.source_ref, row.idempotency_key, 'received', false,
          ${source === 'api' ? 'none' : 'pending'}::text, row.content_hash, row.duplicate_key, row.seller_nip,
          row.invoice_type, row.invoice_number, row.issue_date, row.gross_amount, row.currency, model.value, '[]'
        from unnest(
          ${ids}::uuid[], ${column(({ candidate }) => candidate.sourceRef)}::text[],
          ${column(({ candidate }) => candidate.key)}::text[], ${column(({ columns }) => columns.content_hash)}::text[],
          ${column(({ columns }) => columns.duplicate_key)}::text[], ${column(({ columns }) => columns.seller_nip)}::text[],
          ${column(({ columns }) => columns.invoice_type)}::text[],
          ${column(({ columns }) => columns.invoice_number)}::text[],
          ${column(({ columns }) => columns.issue_date)}::date[],
          ${column(({ columns }) => columns.gross_amount)}::numeric[],
          ${column(({ columns }) => columns.currency)}::text[]
        ) with ordinality as row(id, source_ref, idempotency_key, content_hash, duplicate_key, seller_nip,
          invoice_type, invoice_number, issue_date, gross_amount, currency, n)
        join json_array_elements(${models}::json) with ordinality as model(value, n) using (n)
      )
      insert into hub.audit_log (${sql.raw(AUDIT_COLUMNS)})
      select ${tenantId}::text, row.invoice_id, 'invoice.created', 'received', ${actor}::text, row.details
      from unnest(${ids}::uuid[], ${details}::jsonb[]) as row(invoice_id, details)`.execute(trx)
  }
  for (const { id, candidate } of resubmits) {
    await transitionOrThrow(trx, {
      invoiceIds: [id],
      from: ['rejected'],
      to: 'received',
      patch: {
        ...columnsOf(candidate),
        model: candidate.json,
        xml: null,
        invoice_hash: null,
        invoice_size: null,
        warnings: '[]',
        rejection_code: null,
        rejection_reason_en: null,
        rejection_reason_pl: null,
        rejection_details: null,
      },
      actor,
      details: { reason: 'resubmitted with corrected content' },
    })
  }
  const queued = [...inserts, ...resubmits].map(({ id }) => id)
  const fanOut = queued.length >= BULK_FAN_OUT_FROM
  for (let start = 0; start < queued.length; start += CHUNK) {
    const invoiceIds = queued.slice(start, start + CHUNK)
    // One job for the group; the worker gives each invoice its submit job (worker/submit/fan-out.ts).
    if (fanOut) await context.boss.send(QUEUES.submitMany, { tenantId, invoiceIds }, inTransaction(trx))
    else await queueSubmitJobs(context.boss, trx, tenantId, invoiceIds)
  }
  return results
}

function isRetryable(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined
  // A unique violation: another request stored one of these documents meanwhile. A deadlock: two requests
  // with overlapping documents in different orders. Both are settled by running again.
  return code === '23505' || code === '40P01'
}

/**
 * Takes in many invoices at once: one transaction, multi-row inserts, one submit job per stored invoice.
 *
 * @returns one result per item, in the order of `items`
 * @throws {@link PipelineError} `NOT_FOUND` (tenant) or `INVOICE_INVALID` (too many items); item failures are
 *   results, not throws
 * @example
 * ```ts
 * const results = await submitInvoicesBulk(context, { tenantId: 'acme', items: invoices.map((invoice) => ({ invoice })) })
 * const stored = results.filter((result) => result.ok).length
 * ```
 */
export async function submitInvoicesBulk(context: PipelineContext, request: BulkRequest): Promise<BulkItemResult[]> {
  if (request.items.length > BULK_MAX_ITEMS) {
    throw new PipelineError(
      'INVOICE_INVALID',
      `at most ${BULK_MAX_ITEMS} invoices per request, not ${request.items.length}`,
    )
  }
  const tenant =
    request.tenant?.id === request.tenantId ? request.tenant : await getTenant(context.db, request.tenantId)
  const { candidates, failures } = prepare(request, tenant, context.now())
  let stored: BulkItemResult[] = []
  if (candidates.length > 0) {
    for (let attempt = 1; ; attempt++) {
      try {
        stored = await context.db.transaction().execute((trx) => store(trx, context, request, tenant.id, candidates))
        break
      } catch (error) {
        // Another request stored one of these documents meanwhile: run again and find its record.
        if (isRetryable(error) && attempt < 4) continue
        throw error
      }
    }
  }
  return [...stored, ...failures].sort((a, b) => a.index - b.index)
}
