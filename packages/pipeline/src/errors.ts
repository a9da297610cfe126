/**
 * The pipeline's error family: one class, a stable code per failure kind.
 *
 * @module
 */

/** What went wrong in the pipeline. */
export type PipelineErrorCode =
  /** The invoice failed validation (model, XSD or business rules); nothing was stored. */
  | 'INVOICE_INVALID'
  /** Another invoice of this tenant already has this seller NIP, type and number: KSeF would reject it as 440. */
  | 'DUPLICATE_INVOICE_NUMBER'
  /** The source document was submitted before with different content while the first is in flight or confirmed. */
  | 'IDEMPOTENCY_CONFLICT'
  /** The seller NIP of the invoice is not the tenant's. */
  | 'WRONG_SELLER'
  /** No such tenant, invoice or report (or not this tenant's). */
  | 'NOT_FOUND'
  /** The requested change is not allowed in the invoice's state. */
  | 'ILLEGAL_TRANSITION'
  /** A secret could not be decrypted (unknown master key, tampering). */
  | 'SECRET_UNREADABLE'
  /** The hub is configured wrongly (missing key, bad URL). */
  | 'CONFIGURATION'
  /** Some of a tenant's webhook subscriptions did not acknowledge an event (the delivery is retried). */
  | 'WEBHOOK_DELIVERY_FAILED'
  /** The embedded database's folder is held by another running process (PGlite is single-process). */
  | 'DATABASE_IN_USE'
  /** A worker's claim on a queue job lapsed and another attempt holds it: this attempt's work was rolled back. */
  | 'JOB_CLAIM_LOST'
  /** Too many of a tenant's documents are waiting to be checked (the intake pool): retry shortly. */
  | 'INTAKE_BUSY'

/**
 * Thrown by the pipeline.
 *
 * @example
 * ```ts
 * throw new PipelineError('NOT_FOUND', `invoice ${id} does not exist`)
 * ```
 */
export class PipelineError extends Error {
  readonly code: PipelineErrorCode
  readonly details: Readonly<Record<string, unknown>>

  constructor(code: PipelineErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message)
    this.name = 'PipelineError'
    this.code = code
    this.details = details
  }
}

/**
 * Whether an error is a {@link PipelineError}, optionally with a given code.
 *
 * @example
 * ```ts
 * if (isPipelineError(error, 'NOT_FOUND')) return notFound()
 * ```
 */
export function isPipelineError(error: unknown, code?: PipelineErrorCode): error is PipelineError {
  return error instanceof PipelineError && (code === undefined || error.code === code)
}
