/**
 * Bulk intake: many invoices at once, for throughput. Each item is checked structurally (the model), stored in
 * state `received` with one multi-row INSERT, and gets its submit job in the same statement or transaction (for
 * a large request, one fan-out job per thousand invoices that the worker turns into their submit jobs); the
 * worker runs the full checks (XSD, business rules) before sending, as it does for every `received` invoice.
 * Nothing is half-written: a request's invoices, audit entries and jobs commit together or not at all.
 *
 * The rules per item are intake's (invoices/intake.ts): the same source document is stored once and answers with
 * its first id; changed content of a document in flight is `IDEMPOTENCY_CONFLICT`; a rejected document comes
 * back in line with its corrected content; a number already used by another live invoice is
 * `DUPLICATE_INVOICE_NUMBER`. Items fail or succeed on their own: one bad invoice does not sink the request.
 *
 * @module
 */
import { type RawBuilder, sql, type Transaction } from 'kysely'
import { redact } from '../audit/redact.ts'
import type { PipelineContext } from '../context.ts'
import type { Database } from '../db/schema.ts'
import { PipelineError, type PipelineErrorCode } from '../errors.ts'
import type { AccountantStatus, InvoiceState } from '../invoices/states.ts'
import { transitionOrThrow } from '../invoices/transition.ts'
import { submitJobsInsert } from '../queue/submit-jobs.ts'
import { getTenant } from '../tenants/tenants.ts'
import { decide, type Write } from './decide.ts'
import { knownIdentities, type LiveNumber, liveNumbers, type StoredDocument, storedDocuments } from './lookups.ts'
import { type Candidate, columnsOf, prepare } from './prepare.ts'

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

/**
 * The statement that stores new invoices (at most {@link CHUNK}) with their audit entries, and with `jobs` (a
 * {@link submitJobsInsert}) their jobs too: one statement commits them all at once.
 */
function insertInvoices(
  tenantId: string,
  source: string,
  actor: string,
  writes: readonly Write[],
  jobs?: RawBuilder<unknown>,
): RawBuilder<unknown> {
  // Each short column travels as one array parameter, and the models as one JSON array whose elements go into
  // the `json` column as they are (the server only finds their bounds). One JSON document of whole rows,
  // expanded by jsonb_populate_recordset, cost the server five times as much: it converted every model to jsonb.
  // The document's columns as resubmissions set them too (`columnsOf`), one array per column.
  const documents = writes.map((entry) => ({ candidate: entry.candidate, columns: columnsOf(entry.candidate) }))
  const column = <T>(pick: (row: (typeof documents)[number]) => T): T[] => documents.map(pick)
  const ids = writes.map((entry) => entry.id)
  const models = `[${column(({ candidate }) => candidate.json).join(',')}]`
  const details = column(({ candidate }) =>
    JSON.stringify(redact({ source, sourceRef: candidate.sourceRef, number: candidate.dup.invoiceNumber })),
  )
  return sql`with invoices as (
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
    )${jobs ? sql`, jobs as (${jobs})` : sql``}
    insert into hub.audit_log (${sql.raw(AUDIT_COLUMNS)})
    select ${tenantId}::text, row.invoice_id, 'invoice.created', 'received', ${actor}::text, row.details
    from unnest(${ids}::uuid[], ${details}::jsonb[]) as row(invoice_id, details)`
}

/** The jobs that send these invoices: a fan-out job for a large group (see {@link BULK_FAN_OUT_FROM}). */
function jobsOf(context: PipelineContext, tenantId: string, invoiceIds: readonly string[]) {
  return submitJobsInsert(context.boss, tenantId, invoiceIds, { fanOut: invoiceIds.length >= BULK_FAN_OUT_FROM })
}

/**
 * The common case in one statement: when every item is new or known (no resubmission of a rejected document),
 * the invoices, their audit entries and their jobs are written by one statement after one lookup, with no
 * transaction around them. Two round trips instead of six: under load each round trip also waits its turn on the
 * gateway's event loop. The unique indexes settle races with other requests (a unique violation runs it again).
 *
 * @returns the results, or `undefined` when the request needs {@link storeLocked}
 */
async function storeAtOnce(
  context: PipelineContext,
  request: BulkRequest,
  tenantId: string,
  candidates: readonly Candidate[],
): Promise<BulkItemResult[] | undefined> {
  if (candidates.length > CHUNK) return undefined
  const source = request.source ?? 'api'
  const keys = [...new Set(candidates.map((candidate) => candidate.key))]
  const dups = [...new Set(candidates.map((candidate) => candidate.dup.value))]
  const { documents, numbers } = await knownIdentities(context.db, tenantId, keys, dups)
  const { results, inserts, resubmits } = decide(candidates, source, documents, numbers)
  if (resubmits.length > 0) return undefined
  if (inserts.length > 0) {
    const jobs = await jobsOf(
      context,
      tenantId,
      inserts.map(({ id }) => id),
    )
    await insertInvoices(tenantId, source, request.actor ?? `api:${tenantId}`, inserts, jobs).execute(context.db)
  }
  return results
}

/**
 * Any request, in one transaction that locks the stored documents it decides on: resubmissions of rejected
 * documents, and requests of more than {@link CHUNK} invoices.
 */
async function storeLocked(
  trx: Transaction<Database>,
  context: PipelineContext,
  request: BulkRequest,
  tenantId: string,
  candidates: readonly Candidate[],
): Promise<BulkItemResult[]> {
  const source = request.source ?? 'api'
  const actor = request.actor ?? `api:${tenantId}`
  // Sorted, so that requests with documents in common lock their rows in one order (no deadlock between them).
  const keys = [...new Set(candidates.map((candidate) => candidate.key))].sort()
  const dups = [...new Set(candidates.map((candidate) => candidate.dup.value))]
  const documents: StoredDocument[] = []
  const numbers: LiveNumber[] = []
  // One array parameter per lookup (not one parameter per key): cheap to send, one plan on the server.
  // The numbers first, then the documents: each statement sees what was committed before it began, so a document
  // another request commits meanwhile is seen by the second lookup whenever the first saw its number (the other
  // order took a document committed between the two for another document with the same number).
  for (let start = 0; start < dups.length; start += CHUNK) {
    numbers.push(...(await liveNumbers(tenantId, dups.slice(start, start + CHUNK)).execute(trx)).rows)
  }
  for (let start = 0; start < keys.length; start += CHUNK) {
    documents.push(...(await storedDocuments(tenantId, keys.slice(start, start + CHUNK)).execute(trx)).rows)
  }
  const { results, inserts, resubmits } = decide(candidates, source, documents, numbers)
  for (let start = 0; start < inserts.length; start += CHUNK) {
    await insertInvoices(tenantId, source, actor, inserts.slice(start, start + CHUNK)).execute(trx)
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
  for (let start = 0; start < queued.length; start += CHUNK) {
    await (await jobsOf(context, tenantId, queued.slice(start, start + CHUNK))).execute(trx)
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
 * Takes in many invoices at once: one lookup and one statement for the common case, one transaction otherwise;
 * multi-row inserts; a submit job per stored invoice, or a fan-out job for a large group.
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
        stored =
          (await storeAtOnce(context, request, tenant.id, candidates)) ??
          (await context.db.transaction().execute((trx) => storeLocked(trx, context, request, tenant.id, candidates)))
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
