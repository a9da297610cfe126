/**
 * The per-item half of bulk intake: each item checked structurally (the zod model), its seller checked, and its
 * identities computed with intake's functions (idempotency key, content hash, KSeF duplicate key).
 *
 * @module
 */
import {
  createdAtOf,
  duplicateKey,
  type Invoice,
  parseInvoiceModel,
  validateInvoice,
  withDefaultHeader,
} from '@ksef-hub/fa3'
import type { PipelineErrorCode } from '../errors.ts'
import { defaultSourceRef, idempotencyKey, storedForm } from '../invoices/keys.ts'
import { sourceRefProblem } from '../invoices/source-ref.ts'
import type { BulkItemResult, BulkRequest } from './bulk-intake.ts'

/** An item that passed the checks, with its identities. */
export interface Candidate {
  readonly index: number
  readonly invoice: Invoice
  /** The model as stored (`JSON.stringify` of `invoice`). */
  readonly json: string
  readonly sourceRef: string
  readonly key: string
  readonly hash: string
  readonly dup: ReturnType<typeof duplicateKey>
}

/** A failed item. */
export type Failure = Extract<BulkItemResult, { ok: false }>

/**
 * A failed item's result.
 *
 * @example
 * ```ts
 * failure(3, 'WRONG_SELLER', 'the seller NIP ...')
 * ```
 */
export function failure(index: number, code: PipelineErrorCode, message: string, details?: unknown): Failure {
  return { index, ok: false, error: details === undefined ? { code, message } : { code, message, details } }
}

/**
 * Checks every item and computes its identities; failures are results, not throws.
 *
 * @example
 * ```ts
 * const { candidates, failures } = prepare(request, tenant, new Date())
 * ```
 */
export function prepare(
  request: BulkRequest,
  tenant: { id: string; nip: string },
  now: Date,
): { candidates: Candidate[]; failures: Failure[] } {
  const source = request.source ?? 'api'
  const createdAt = createdAtOf(now)
  const candidates: Candidate[] = []
  const failures: Failure[] = []
  request.items.forEach((item, index) => {
    // Each item is checked on its own (a bad one fails alone): its shape and its source reference first.
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      failures.push(failure(index, 'INVOICE_INVALID', 'each item must be an object { invoice, sourceRef? }'))
      return
    }
    const refProblem = item.sourceRef === undefined ? undefined : sourceRefProblem(item.sourceRef)
    if (refProblem) {
      failures.push(failure(index, 'INVOICE_INVALID', `sourceRef ${refProblem}`, { field: 'sourceRef' }))
      return
    }
    const input = withDefaultHeader(item.invoice, createdAt)
    const parsed = parseInvoiceModel(input)
    if (!parsed.success) {
      // The full validator names every finding the way single submissions do; it runs only for failures.
      const issues = validateInvoice(input as never).issues.filter((issue) => issue.severity === 'error')
      const first = issues[0]
      const message = first
        ? `the invoice is invalid: ${first.path ?? ''} ${first.message}`.replace(/\s+/g, ' ')
        : 'the invoice is invalid'
      failures.push(failure(index, 'INVOICE_INVALID', message, { issues }))
      return
    }
    const invoice = parsed.data
    if (invoice.seller.nip !== tenant.nip) {
      failures.push(
        failure(
          index,
          'WRONG_SELLER',
          `the seller NIP of the invoice (seller.nip ${invoice.seller.nip}) is not the NIP of tenant ${tenant.id} (${tenant.nip})`,
        ),
      )
      return
    }
    const sourceRef = item.sourceRef ?? defaultSourceRef(invoice)
    const { json, hash } = storedForm(invoice)
    candidates.push({
      index,
      invoice,
      json,
      sourceRef,
      key: idempotencyKey(tenant.id, source, sourceRef),
      hash,
      dup: duplicateKey(invoice),
    })
  })
  return { candidates, failures }
}

/**
 * The columns of an invoice row that come from the document.
 *
 * @example
 * ```ts
 * const columns = columnsOf(candidate)
 * ```
 */
export function columnsOf(candidate: Candidate) {
  const { invoice, dup } = candidate
  return {
    content_hash: candidate.hash,
    duplicate_key: dup.value,
    seller_nip: dup.sellerNip,
    invoice_type: dup.invoiceType,
    invoice_number: dup.invoiceNumber,
    issue_date: invoice.details.issueDate,
    gross_amount: invoice.details.totals.totalDue,
    currency: invoice.details.currency,
  }
}
