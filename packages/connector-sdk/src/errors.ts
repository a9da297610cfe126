/**
 * The connector error family: every failure of a source system is classified, so the pipeline knows whether to
 * retry, wait, re-authorize or give up.
 *
 * @module
 */

/** What kind of failure a source system reported. */
export type ConnectorErrorKind =
  /** Too many calls: wait `retryAfterMs`, then retry. */
  | 'rate_limit'
  /** Credentials expired or revoked: the tenant must re-authorize the connection. */
  | 'auth'
  /** Authenticated but not allowed. */
  | 'forbidden'
  | 'not_found'
  /** Someone else changed the record (optimistic concurrency): re-read and retry. */
  | 'conflict'
  /** The source refused the data: a person must fix it. */
  | 'validation'
  /** A timeout, a 5xx, a dropped connection: retry later. */
  | 'transient'

const RETRYABLE: ReadonlySet<ConnectorErrorKind> = new Set(['rate_limit', 'conflict', 'transient'])

/**
 * Thrown by connectors.
 *
 * @example
 * ```ts
 * throw new ConnectorError('rate_limit', 'Xero: minute limit reached', { retryAfterMs: 30_000 })
 * ```
 */
export class ConnectorError extends Error {
  readonly kind: ConnectorErrorKind
  readonly retryAfterMs: number | undefined

  constructor(kind: ConnectorErrorKind, message: string, options: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ConnectorError'
    this.kind = kind
    this.retryAfterMs = options.retryAfterMs
  }

  /** Whether trying again later can succeed without a person acting. */
  get retryable(): boolean {
    return RETRYABLE.has(this.kind)
  }
}

/**
 * Whether an error is a {@link ConnectorError}.
 *
 * @example
 * ```ts
 * if (isConnectorError(error) && error.retryable) retry()
 * ```
 */
export function isConnectorError(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError
}
