/**
 * The simulator's HTTP error family: one class, a stable `kind` per HTTP answer, and for 400s the KSeF exception
 * code. Route handlers throw these; {@link renderApiError} turns them into the bodies KSeF sends.
 *
 * @module
 */
import { EXCEPTION_CODES, type ExceptionCode, type ForbiddenReason } from './codes.ts'

/** What kind of HTTP answer an error becomes. */
export type ApiErrorKind =
  | 'bad-request'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'gone'
  | 'too-many-requests'
  | 'internal'

/** One entry of a 400 answer: a KSeF exception code with its details. */
export interface ExceptionEntry {
  readonly code: ExceptionCode
  readonly details: readonly string[]
}

/**
 * An error answered over HTTP the way KSeF answers it.
 *
 * @example
 * ```ts
 * throw ApiError.badRequest(21173, `Sesja o numerze referencyjnym ${ref} nie została znaleziona.`)
 * ```
 */
export class ApiError extends Error {
  readonly kind: ApiErrorKind
  readonly httpStatus: number
  /** For `bad-request`: every exception entry (KSeF can report several). */
  readonly entries: readonly ExceptionEntry[]
  /** For `forbidden`. */
  readonly reasonCode?: ForbiddenReason
  readonly security?: Readonly<Record<string, unknown>>
  /** For `too-many-requests`: seconds to wait. */
  readonly retryAfter?: number

  constructor(
    kind: ApiErrorKind,
    httpStatus: number,
    message: string,
    extra: {
      entries?: readonly ExceptionEntry[]
      reasonCode?: ForbiddenReason
      security?: Record<string, unknown>
      retryAfter?: number
    } = {},
  ) {
    super(message)
    this.name = 'ApiError'
    this.kind = kind
    this.httpStatus = httpStatus
    this.entries = extra.entries ?? []
    if (extra.reasonCode) this.reasonCode = extra.reasonCode
    if (extra.security) this.security = extra.security
    if (extra.retryAfter !== undefined) this.retryAfter = extra.retryAfter
  }

  /**
   * A 400 with one KSeF exception code.
   *
   * @example
   * ```ts
   * ApiError.badRequest(21405, 'invoiceHash: must be 44 characters')
   * ```
   */
  static badRequest(code: ExceptionCode, ...details: string[]): ApiError {
    return new ApiError('bad-request', 400, `${code} ${EXCEPTION_CODES[code]}`, { entries: [{ code, details }] })
  }

  /**
   * A 401 (always problem+json).
   *
   * @example
   * ```ts
   * ApiError.unauthorized('Wymagane jest uwierzytelnienie.')
   * ```
   */
  static unauthorized(detail: string): ApiError {
    return new ApiError('unauthorized', 401, detail)
  }

  /**
   * A 403 with its reason code (always problem+json).
   *
   * @example
   * ```ts
   * ApiError.forbidden('missing-permissions', 'Brak wymaganych uprawnień.', { requiredAnyOfPermissions: ['InvoiceWrite'] })
   * ```
   */
  static forbidden(reasonCode: ForbiddenReason, detail: string, security?: Record<string, unknown>): ApiError {
    return new ApiError('forbidden', 403, detail, { reasonCode, ...(security ? { security } : {}) })
  }

  /**
   * A 429 with `Retry-After`.
   *
   * @example
   * ```ts
   * ApiError.tooManyRequests(30, 'Przekroczono limit 20 żądań na minutę. Spróbuj ponownie po 30 sekundach.')
   * ```
   */
  static tooManyRequests(retryAfter: number, detail: string): ApiError {
    return new ApiError('too-many-requests', 429, detail, { retryAfter })
  }

  /**
   * A 410 (status polled after its retention).
   *
   * @example
   * ```ts
   * ApiError.gone('Operacja wygasła.')
   * ```
   */
  static gone(detail: string): ApiError {
    return new ApiError('gone', 410, detail)
  }

  /**
   * A 404 for a path KSeF does not have.
   *
   * @example
   * ```ts
   * ApiError.notFound('/v2/nothing')
   * ```
   */
  static notFound(path: string): ApiError {
    return new ApiError('not-found', 404, `No route for ${path}`)
  }

  /**
   * A 500 (an injected fault or a bug; never a secret in the detail).
   *
   * @example
   * ```ts
   * ApiError.internal('Wystąpił nieoczekiwany błąd.')
   * ```
   */
  static internal(detail: string): ApiError {
    return new ApiError('internal', 500, detail)
  }
}
