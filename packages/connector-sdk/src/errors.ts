/**
 * The connector error family: every failure of a source system, and every document that cannot become an invoice,
 * is classified, so the hub knows whether to retry, wait, ask for re-authorization or show a person what to fix.
 *
 * @module
 */

/** What kind of failure a source system reported. */
export type ConnectorErrorKind =
  /** Too many calls: wait `retryAfterMs`, then retry. */
  | 'rate_limit'
  /** Credentials expired or revoked: the tenant must re-authorize the connection (`needs_reauth`). */
  | 'auth'
  /** Authenticated but not allowed (a missing scope or permission): a person must grant it. */
  | 'forbidden'
  | 'not_found'
  /** Someone else changed the record (optimistic concurrency): re-read and retry. */
  | 'conflict'
  /** The source refused the data: a person must fix it. */
  | 'validation'
  /** A timeout, a 5xx, a dropped connection, or a document not ready yet: retry later. */
  | 'transient'
  /** A source document cannot become an invoice: {@link MappingError} says which field and how to fix it. */
  | 'mapping'

const RETRYABLE: ReadonlySet<ConnectorErrorKind> = new Set(['rate_limit', 'conflict', 'transient'])

/** What a {@link ConnectorError} may carry besides its kind and message. */
export interface ConnectorErrorOptions {
  /** How long to wait before trying again (from `Retry-After`, or the connector's own judgement). */
  readonly retryAfterMs?: number
  /** The HTTP status the source answered, when there was one. */
  readonly status?: number
  readonly cause?: unknown
}

/**
 * Thrown by connectors and by the SDK's HTTP client.
 *
 * @example
 * ```ts
 * throw new ConnectorError('rate_limit', 'Xero: minute limit reached', { retryAfterMs: 30_000, status: 429 })
 * ```
 */
// A brand that survives two copies of this package (a plugin installed with its own SDK): `instanceof` would not.
const CONNECTOR_ERROR = Symbol.for('ksef-hub.ConnectorError')
const MAPPING_ERROR = Symbol.for('ksef-hub.MappingError')
const NOT_READY_ERROR = Symbol.for('ksef-hub.NotReadyError')

export class ConnectorError extends Error {
  readonly kind: ConnectorErrorKind
  readonly retryAfterMs: number | undefined
  readonly status: number | undefined

  constructor(kind: ConnectorErrorKind, message: string, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ConnectorError'
    Object.defineProperty(this, CONNECTOR_ERROR, { value: true })
    this.kind = kind
    this.retryAfterMs = options.retryAfterMs
    this.status = options.status
  }

  /** Whether trying again later can succeed without a person acting. */
  get retryable(): boolean {
    return RETRYABLE.has(this.kind)
  }
}

/** Why a source document cannot become an invoice, as a stable code. */
export type MappingErrorCode =
  /** The buyer has no NIP where one is required. */
  | 'BUYER_NIP_MISSING'
  /** The buyer's NIP is there but is not a valid NIP. */
  | 'BUYER_NIP_INVALID'
  /** A line's tax code is not in the connection's tax table. */
  | 'TAX_CODE_UNMAPPED'
  /** A VAT-exempt line without the exemption's legal basis (FA(3) P_19A/B/C). */
  | 'EXEMPTION_BASIS_MISSING'
  /** A kind of document the hub cannot send to KSeF. */
  | 'DOCUMENT_TYPE_UNSUPPORTED'
  /** A correction names an invoice the hub cannot identify. */
  | 'ORIGINAL_NOT_FOUND'
  /** A field the invoice needs is missing or malformed in the source. */
  | 'FIELD_INVALID'
  /** The source document, mapped, is not a valid FA(3) invoice (the fa3 findings are in `issues`). */
  | 'INVOICE_INVALID'

/**
 * A source document cannot become an invoice. The hub shows the message, the field and the fix on the document,
 * sends nothing, and maps the document again when the source changes it.
 *
 * @example
 * ```ts
 * throw new MappingError('BUYER_NIP_MISSING', 'customer.taxRegistrationNumber', 'customer C0042 has no NIP', {
 *   fix: 'enter the NIP of customer C0042 in the ERP; the hub picks the invoice up again when it changes',
 * })
 * ```
 */
export class MappingError extends ConnectorError {
  readonly code: MappingErrorCode
  /** Where in the source document (or its related records) the problem is. */
  readonly field: string
  /** What a person should do. */
  readonly fix: string | undefined
  /** Validation findings, for `INVOICE_INVALID`. */
  readonly issues: readonly unknown[]

  constructor(
    code: MappingErrorCode,
    field: string,
    message: string,
    options: { fix?: string; issues?: readonly unknown[] } = {},
  ) {
    super('mapping', message)
    this.name = 'MappingError'
    Object.defineProperty(this, MAPPING_ERROR, { value: true })
    this.code = code
    this.field = field
    this.fix = options.fix
    this.issues = options.issues ?? []
  }
}

/**
 * A source document cannot be mapped yet, but will be (a credit note whose original KSeF has not numbered yet).
 * The hub keeps the document waiting and maps it again after `retryAfterMs`; the rest of the pull goes on. Any
 * other transient error stops the page, which is read again later.
 *
 * @example
 * ```ts
 * throw new NotReadyError(`credit note CN/7 waits for invoice FV/3 to get its KSeF number`, 30_000)
 * ```
 */
export class NotReadyError extends ConnectorError {
  constructor(message: string, retryAfterMs: number) {
    super('transient', message, { retryAfterMs })
    this.name = 'NotReadyError'
    Object.defineProperty(this, NOT_READY_ERROR, { value: true })
  }
}

/**
 * Whether an error is a {@link ConnectorError} (a {@link MappingError} is one too).
 *
 * @example
 * ```ts
 * if (isConnectorError(error) && error.retryable) retry()
 * ```
 */
export function isConnectorError(error: unknown): error is ConnectorError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[CONNECTOR_ERROR] === true
}

/**
 * Whether an error is a {@link MappingError}.
 *
 * @example
 * ```ts
 * if (isMappingError(error)) show(error.field, error.fix)
 * ```
 */
export function isMappingError(error: unknown): error is MappingError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MAPPING_ERROR] === true
}

/**
 * Whether an error is a {@link NotReadyError}.
 *
 * @example
 * ```ts
 * if (isNotReadyError(error)) keepWaiting(error.retryAfterMs)
 * ```
 */
export function isNotReadyError(error: unknown): error is NotReadyError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[NOT_READY_ERROR] === true
}
