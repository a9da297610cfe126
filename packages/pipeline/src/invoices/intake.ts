/**
 * Intake: an invoice is checked, stored, and its submit job enqueued in one transaction: no invoice is ever
 * stored without its next step, or queued without being stored. The same source document submitted twice is
 * stored once; a second invoice with the seller, type and number of another is refused before KSeF would.
 *
 * @module
 */

import { type Fa3Issue, type Invoice, duplicateKey as ksefDuplicateKey, sha256Base64 } from '@ksef-hub/fa3'
import type { Transaction } from 'kysely'
import { appendAudit } from '../audit/audit.ts'
import type { PipelineContext } from '../context.ts'
import type { Database } from '../db/schema.ts'
import { PipelineError } from '../errors.ts'
import { inTransaction } from '../queue/boss.ts'
import { QUEUES } from '../queue/queues.ts'
import { getTenant, type TenantRecord } from '../tenants/tenants.ts'
import { defaultSourceRef, idempotencyKey, newRecordId, storedForm } from './keys.ts'
import { type PreparedSubmission, prepareSubmission } from './prepare.ts'
import { sourceRefProblem } from './source-ref.ts'
import { type AccountantStatus, accountantStatus, type InvoiceState } from './states.ts'
import { transitionOrThrow } from './transition.ts'

/** An invoice to take in. */
export interface SubmitRequest {
  readonly tenantId: string
  /** The canonical JSON model (the header may be left out), or the FA(3) XML as bytes. */
  readonly invoice: unknown
  readonly format?: 'json' | 'xml'
  /** The system it came from: `api` or a connector id. */
  readonly source?: string
  /** The document's identity in that system; KSeF's duplicate key when absent. */
  readonly sourceRef?: string
  /**
   * `full` (default): model, XSD and business rules now, with every finding in the answer. `structural`: the
   * model or XSD only; the worker runs the business rules before sending and rejects the invoice if they fail.
   */
  readonly validation?: 'full' | 'structural'
  readonly actor?: string
}

/** The answer to a submission. */
export interface SubmitOutcome {
  readonly id: string
  readonly state: InvoiceState
  readonly status: AccountantStatus
  /** `false` when the same document was already stored: this is its record. */
  readonly created: boolean
  readonly warnings: readonly Fa3Issue[]
}

function checkSeller(tenant: TenantRecord, invoice: Invoice): void {
  if (invoice.seller.nip !== tenant.nip) {
    throw new PipelineError(
      'WRONG_SELLER',
      `the seller NIP of the invoice (seller.nip ${invoice.seller.nip}) is not the NIP of tenant ${tenant.id} (${tenant.nip})`,
    )
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505'
}

async function store(
  trx: Transaction<Database>,
  context: PipelineContext,
  tenant: TenantRecord,
  request: SubmitRequest,
  prepared: PreparedSubmission,
): Promise<SubmitOutcome> {
  const { invoice, xml, warnings } = prepared
  const source = request.source ?? 'api'
  const sourceRef = request.sourceRef ?? defaultSourceRef(invoice)
  const key = idempotencyKey(tenant.id, source, sourceRef)
  const { json, hash } = storedForm(invoice)
  const dup = ksefDuplicateKey(invoice)
  const actor = request.actor ?? `api:${tenant.id}`

  // The number first, then the document: each statement sees what was committed before it began, so a document
  // committed meanwhile by another request is found by the second lookup whenever the first saw its number.
  const clash = await trx
    .selectFrom('invoices')
    .select(['id', 'ksef_number', 'state'])
    .where('tenant_id', '=', tenant.id)
    .where('duplicate_key', '=', dup.value)
    .where('state', '<>', 'rejected')
    .executeTakeFirst()
  const existing = await trx
    .selectFrom('invoices')
    .select(['id', 'state', 'content_hash'])
    .where('tenant_id', '=', tenant.id)
    .where('idempotency_key', '=', key)
    .forUpdate()
    .executeTakeFirst()
  if (existing && existing.content_hash === hash) {
    const state = existing.state as InvoiceState
    return { id: existing.id, state, status: accountantStatus(state), created: false, warnings }
  }
  if (existing && existing.state !== 'rejected') {
    throw new PipelineError(
      'IDEMPOTENCY_CONFLICT',
      `${source} document ${sourceRef} was submitted before with different content (invoice ${existing.id}, ${existing.state}); correct a sent invoice with a correction invoice (KOR), not by resubmitting it`,
      { invoiceId: existing.id, state: existing.state },
    )
  }
  if (clash && clash.id !== existing?.id) {
    throw new PipelineError(
      'DUPLICATE_INVOICE_NUMBER',
      `invoice number ${dup.invoiceNumber} (${dup.invoiceType}) of seller ${dup.sellerNip} is already used by invoice ${clash.id}${clash.ksef_number ? ` (KSeF ${clash.ksef_number})` : ''}; KSeF would reject it as a duplicate`,
      { invoiceId: clash.id, ksefNumber: clash.ksef_number },
    )
  }
  const columns = {
    content_hash: hash,
    duplicate_key: dup.value,
    seller_nip: dup.sellerNip,
    invoice_type: dup.invoiceType,
    invoice_number: dup.invoiceNumber,
    issue_date: invoice.details.issueDate,
    gross_amount: invoice.details.totals.totalDue,
    currency: invoice.details.currency,
    model: json,
    xml: xml ? Buffer.from(xml) : null,
    invoice_hash: xml ? sha256Base64(xml) : null,
    invoice_size: xml ? xml.length : null,
    warnings: JSON.stringify(warnings),
  }
  // Without the XML the full checks have not run yet: the worker runs them before the invoice joins the queue.
  const initial: InvoiceState = xml ? 'queued' : 'received'
  let id: string
  if (existing) {
    // A rejected document submitted again with corrected content: the same record goes back in line.
    id = existing.id
    await transitionOrThrow(trx, {
      invoiceIds: [id],
      from: ['rejected'],
      to: initial,
      patch: {
        ...columns,
        rejection_code: null,
        rejection_reason_en: null,
        rejection_reason_pl: null,
        rejection_details: null,
      },
      actor,
      details: { reason: 'resubmitted with corrected content' },
    })
  } else {
    id = newRecordId()
    await trx
      .insertInto('invoices')
      .values({
        id,
        tenant_id: tenant.id,
        source,
        source_ref: sourceRef,
        idempotency_key: key,
        state: initial,
        offline: false,
        writeback_state: source === 'api' ? 'none' : 'pending',
        ...columns,
      })
      .execute()
    await appendAudit(trx, {
      tenantId: tenant.id,
      invoiceId: id,
      kind: 'invoice.created',
      toState: initial,
      actor,
      details: { source, sourceRef, number: dup.invoiceNumber },
    })
  }
  await context.boss.send(
    QUEUES.submit,
    { invoiceId: id, tenantId: tenant.id },
    { ...inTransaction(trx), group: { id: tenant.id } },
  )
  return { id, state: initial, status: accountantStatus(initial), created: !existing, warnings }
}

/**
 * Takes in one invoice.
 *
 * @param options.prepared the submission already checked by {@link prepareSubmission} (on another thread: see
 *   `intake-pool/`), when the caller has done so
 * @throws {@link PipelineError}: `INVOICE_INVALID` (with `details.issues`), `WRONG_SELLER`,
 *   `DUPLICATE_INVOICE_NUMBER`, `IDEMPOTENCY_CONFLICT`, `NOT_FOUND` (tenant). Nothing is stored then.
 * @example
 * ```ts
 * const outcome = await submitInvoice(context, { tenantId: 'acme', invoice: json })
 * ```
 */
export async function submitInvoice(
  context: PipelineContext,
  request: SubmitRequest,
  options: { prepared?: PreparedSubmission } = {},
): Promise<SubmitOutcome> {
  const refProblem = request.sourceRef === undefined ? undefined : sourceRefProblem(request.sourceRef)
  if (refProblem) {
    throw new PipelineError('INVOICE_INVALID', `sourceRef ${refProblem}`, { field: 'sourceRef' })
  }
  const tenant = await getTenant(context.db, request.tenantId)
  const prepared = options.prepared ?? prepareSubmission(request, context.now())
  checkSeller(tenant, prepared.invoice)
  for (let attempt = 1; ; attempt++) {
    try {
      return await context.db.transaction().execute((trx) => store(trx, context, tenant, request, prepared))
    } catch (error) {
      // Two submissions of the same document raced: the loser retries and finds the winner's record.
      if (isUniqueViolation(error) && attempt < 3) continue
      throw error
    }
  }
}
