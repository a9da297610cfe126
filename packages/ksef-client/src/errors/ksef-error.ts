/**
 * The client's one error family. Every failure that leaves the client is a {@link KsefError} whose
 * {@link KsefError.errorClass} tells the caller what to do next, and whose {@link KsefError.code} is stable.
 *
 * @module
 */

/**
 * What the caller should do about a failure.
 *
 * - `transient`: nothing reached KSeF's books (or KSeF said "try later"): retry later, honouring `retryAfterMs`.
 * - `permanent`: KSeF rejected this invoice or request for what it is: a human must fix it; retrying the same
 *   bytes fails again.
 * - `duplicate`: KSeF already has an invoice with this seller NIP, type and number (440). Not an error for a
 *   pipeline: adopt `originalKsefNumber`.
 * - `ambiguous`: the request may have reached KSeF (a timeout or reset after the body was sent). Reconcile
 *   (status, session lists, metadata query) before any retry, or the retry may create a duplicate.
 * - `auth`: the access could not be obtained or was lost: log in again.
 * - `configuration`: wrong environment, base URL, credential or missing permission: a human must fix the setup.
 */
export type KsefErrorClass = 'transient' | 'permanent' | 'duplicate' | 'ambiguous' | 'auth' | 'configuration'

/**
 * Every error class, in a stable order.
 *
 * @example
 * ```ts
 * KSEF_ERROR_CLASSES.includes(error.errorClass) // true
 * ```
 */
export const KSEF_ERROR_CLASSES: readonly KsefErrorClass[] = [
  'transient',
  'permanent',
  'duplicate',
  'ambiguous',
  'auth',
  'configuration',
]

/** What an error is built from. */
export interface KsefErrorInit {
  /**
   * Stable machine code. The KSeF code as a string when KSeF gave one (an invoice or session status code such as
   * `450`, or an exception code such as `21405`), else one of the client's own codes (`TIMEOUT`, `RATE_LIMITED`,
   * `CONNECTION_RESET`, `HTTP_503`, `HTML_ERROR_PAGE`, ... see the README).
   */
  readonly code: string
  readonly message: string
  /** The HTTP status, when there was a response. */
  readonly httpStatus?: number
  /** The numeric KSeF code, when KSeF gave one. */
  readonly ksefCode?: number
  /** How long to wait before retrying, when known (429 `Retry-After`, limiter wait). */
  readonly retryAfterMs?: number
  /** The client operation that failed, e.g. `sendInvoice`. */
  readonly operation?: string
  /** KSeF's detail lines, if any. */
  readonly details?: readonly string[]
  /** KSeF's trace id (problem details), useful when asking the MF helpdesk. */
  readonly traceId?: string
  /** The session (or other operation) the failure concerns, when one was already opened: reconcile with it. */
  readonly referenceNumber?: string
  readonly cause?: unknown
}

/**
 * The base of the family. Catch this, switch on `errorClass`.
 *
 * @example
 * ```ts
 * try {
 *   await session.sendInvoice(bytes)
 * } catch (error) {
 *   if (error instanceof KsefError && error.errorClass === 'transient') scheduleRetry(error.retryAfterMs)
 *   else throw error
 * }
 * ```
 */
export abstract class KsefError extends Error {
  abstract readonly errorClass: KsefErrorClass
  readonly code: string
  readonly httpStatus: number | undefined
  readonly ksefCode: number | undefined
  readonly retryAfterMs: number | undefined
  readonly operation: string | undefined
  readonly details: readonly string[]
  readonly traceId: string | undefined
  readonly referenceNumber: string | undefined

  constructor(init: KsefErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause })
    this.code = init.code
    this.httpStatus = init.httpStatus
    this.ksefCode = init.ksefCode
    this.retryAfterMs = init.retryAfterMs
    this.operation = init.operation
    this.details = init.details ?? []
    this.traceId = init.traceId
    this.referenceNumber = init.referenceNumber
  }

  /** The same error, pinned to a session or operation reference number. */
  withReference(referenceNumber: string): this {
    if (this.referenceNumber === undefined) Object.defineProperty(this, 'referenceNumber', { value: referenceNumber })
    return this
  }

  /** A plain object for logs and job records (no stack, no cause). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      errorClass: this.errorClass,
      code: this.code,
      message: this.message,
      httpStatus: this.httpStatus,
      ksefCode: this.ksefCode,
      retryAfterMs: this.retryAfterMs,
      operation: this.operation,
      details: this.details.length ? this.details : undefined,
      traceId: this.traceId,
      referenceNumber: this.referenceNumber,
    }
  }
}

/**
 * Retry later: timeouts before sending, connection failures, 5xx, 429, 550, firewall HTML pages.
 *
 * @example
 * ```ts
 * throw new KsefTransientError({ code: 'HTTP_503', message: 'KSeF unavailable', httpStatus: 503 })
 * ```
 */
export class KsefTransientError extends KsefError {
  readonly errorClass = 'transient' as const
  override readonly name = 'KsefTransientError'
}

/**
 * KSeF rejected this invoice or request (430 XSD, 450 semantics, 410 permission scope, 21405 ...).
 *
 * @example
 * ```ts
 * new KsefPermanentError({ code: '450', ksefCode: 450, message: 'Błąd weryfikacji semantyki dokumentu faktury' })
 * ```
 */
export class KsefPermanentError extends KsefError {
  readonly errorClass = 'permanent' as const
  override readonly name = 'KsefPermanentError'
}

/** What a duplicate carries besides the common fields. */
export interface KsefDuplicateInit extends KsefErrorInit {
  readonly originalKsefNumber?: string
  readonly originalSessionReferenceNumber?: string
}

/**
 * 440: KSeF already holds an invoice with the same seller NIP, invoice type and number. The original's KSeF number
 * and session come from the status `extensions`.
 *
 * @example
 * ```ts
 * if (error instanceof KsefDuplicateError) markSent(error.originalKsefNumber)
 * ```
 */
export class KsefDuplicateError extends KsefError {
  readonly errorClass = 'duplicate' as const
  override readonly name = 'KsefDuplicateError'
  readonly originalKsefNumber: string | undefined
  readonly originalSessionReferenceNumber: string | undefined

  constructor(init: KsefDuplicateInit) {
    super(init)
    this.originalKsefNumber = init.originalKsefNumber
    this.originalSessionReferenceNumber = init.originalSessionReferenceNumber
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      originalKsefNumber: this.originalKsefNumber,
      originalSessionReferenceNumber: this.originalSessionReferenceNumber,
    }
  }
}

/**
 * The request may have reached KSeF: the body was sent and then the connection timed out, was reset or the call
 * was aborted. Never retry blindly: reconcile first.
 *
 * @example
 * ```ts
 * if (error instanceof KsefAmbiguousError) enqueueReconciliation(invoiceId)
 * ```
 */
export class KsefAmbiguousError extends KsefError {
  readonly errorClass = 'ambiguous' as const
  override readonly name = 'KsefAmbiguousError'
}

/**
 * Access could not be obtained or was lost (401, refresh token gone, challenge expired): log in again.
 *
 * @example
 * ```ts
 * new KsefAuthError({ code: 'UNAUTHORIZED', httpStatus: 401, message: 'access token rejected' })
 * ```
 */
export class KsefAuthError extends KsefError {
  readonly errorClass = 'auth' as const
  override readonly name = 'KsefAuthError'
}

/**
 * The setup is wrong: base URL or environment, credential rejected, missing permission (403, auth status 415).
 *
 * @example
 * ```ts
 * new KsefConfigurationError({ code: 'NOT_FOUND', httpStatus: 404, message: 'wrong base URL?' })
 * ```
 */
export class KsefConfigurationError extends KsefError {
  readonly errorClass = 'configuration' as const
  override readonly name = 'KsefConfigurationError'
}

/**
 * Builds the error of a class.
 *
 * @example
 * ```ts
 * throw makeKsefError('transient', { code: 'TIMEOUT', message: 'timed out after 30000 ms' })
 * ```
 */
export function makeKsefError(errorClass: KsefErrorClass, init: KsefDuplicateInit): KsefError {
  switch (errorClass) {
    case 'transient':
      return new KsefTransientError(init)
    case 'permanent':
      return new KsefPermanentError(init)
    case 'duplicate':
      return new KsefDuplicateError(init)
    case 'ambiguous':
      return new KsefAmbiguousError(init)
    case 'auth':
      return new KsefAuthError(init)
    case 'configuration':
      return new KsefConfigurationError(init)
  }
}

/**
 * True for any error of the family.
 *
 * @example
 * ```ts
 * if (isKsefError(error)) console.log(error.errorClass, error.code)
 * ```
 */
export function isKsefError(error: unknown): error is KsefError {
  return error instanceof KsefError
}
