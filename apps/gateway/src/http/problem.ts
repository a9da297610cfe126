/**
 * Errors at the HTTP edge: one class with a stable code, answered as RFC 9457 problem+json. Pipeline errors are
 * mapped to statuses here, once; anything else is logged and answered as a bare 500 without details.
 *
 * @module
 */
import { isDatabaseUnavailable, isPipelineError, type PipelineError, type PipelineErrorCode } from '@ksef-hub/pipeline'
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppEnv } from '../env.ts'

/** Stable codes of the gateway's own errors. */
export type GatewayErrorCode =
  | 'UNAUTHENTICATED'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'MALFORMED_BODY'
  | 'REQUEST_INVALID'
  | 'IDEMPOTENCY_KEY_IN_USE'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'IDEMPOTENCY_KEY_INVALID'
  | 'INVOICE_UNCHANGED'
  | 'SIGNATURE_INVALID'
  | 'ROUTE_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'TIMEOUT'
  | 'NOT_READY'
  | 'DATABASE_UNAVAILABLE'
  | 'INTERNAL'

/** Every code a problem may carry. */
export type ProblemCode = GatewayErrorCode | PipelineErrorCode

/**
 * An error the gateway answers with.
 *
 * @example
 * ```ts
 * throw new GatewayError(401, 'UNAUTHENTICATED', 'give an API key as Authorization: Bearer <key>')
 * ```
 */
export class GatewayError extends Error {
  readonly status: ContentfulStatusCode
  readonly code: ProblemCode
  /** The request field at fault, as a JSON pointer-ish path (`details.issueDate`, `query.limit`). */
  readonly field: string | undefined
  readonly extra: Record<string, unknown>
  readonly headers: Record<string, string>

  constructor(
    status: ContentfulStatusCode,
    code: ProblemCode,
    message: string,
    options: { field?: string; extra?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(message)
    this.name = 'GatewayError'
    this.status = status
    this.code = code
    this.field = options.field
    this.extra = options.extra ?? {}
    this.headers = options.headers ?? {}
  }
}

/** When to try again after a database outage: long enough for a restart or a failover to finish. */
const DATABASE_RETRY_AFTER_SECONDS = 5

const PIPELINE_STATUS: Readonly<Record<PipelineErrorCode, ContentfulStatusCode>> = {
  INVOICE_INVALID: 422,
  DUPLICATE_INVOICE_NUMBER: 409,
  IDEMPOTENCY_CONFLICT: 409,
  WRONG_SELLER: 422,
  NOT_FOUND: 404,
  ILLEGAL_TRANSITION: 409,
  // Misconfiguration that reaches the API is the caller's input (a webhook URL, a base URL).
  CONFIGURATION: 422,
  SECRET_UNREADABLE: 500,
  WEBHOOK_DELIVERY_FAILED: 502,
  DATABASE_IN_USE: 503,
  JOB_CLAIM_LOST: 503,
  // Too many of the tenant's documents wait to be checked: as a rate limit, the tenant's own to slow down.
  INTAKE_BUSY: 429,
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
}

/** The problem+json body. */
export interface Problem {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly detail: string
  readonly code: ProblemCode
  readonly field?: string
  readonly requestId?: string
  readonly [extension: string]: unknown
}

function fieldOfPipelineError(error: PipelineError): string | undefined {
  if (error.code === 'WRONG_SELLER') return 'seller.nip'
  if (typeof error.details.field === 'string') return error.details.field
  const issues = error.details.issues
  if (Array.isArray(issues)) {
    const first = issues.find((issue) => issue?.severity !== 'warning') as
      | { path?: string; xmlPath?: string }
      | undefined
    return first?.path ?? first?.xmlPath ?? undefined
  }
  return undefined
}

/**
 * The gateway error for any thrown value (a 500 for what the gateway does not know).
 *
 * @example
 * ```ts
 * const error = toGatewayError(thrown)
 * ```
 */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error
  // An outage is not the request's fault, and it passes: say so, and when to try again.
  if (isDatabaseUnavailable(error)) {
    return new GatewayError(503, 'DATABASE_UNAVAILABLE', 'the database is unavailable; retry shortly', {
      headers: { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) },
    })
  }
  if (isPipelineError(error)) {
    const status = PIPELINE_STATUS[error.code]
    if (status === 500) return new GatewayError(500, 'INTERNAL', 'the request could not be completed')
    const field = fieldOfPipelineError(error)
    return new GatewayError(status, error.code, error.message, {
      ...(field ? { field } : {}),
      extra: error.details as Record<string, unknown>,
      ...(status === 429 ? { headers: { 'retry-after': '1' } } : {}),
    })
  }
  if (error instanceof HTTPException) {
    if (error.status === 413) return new GatewayError(413, 'PAYLOAD_TOO_LARGE', 'the request body is too large')
    if (error.status === 504 || error.status === 503) {
      return new GatewayError(
        503,
        'TIMEOUT',
        'the request took too long; it may still complete (retry with the same Idempotency-Key)',
      )
    }
    if (error.status === 401) return new GatewayError(401, 'UNAUTHENTICATED', error.message || 'unauthenticated')
    return new GatewayError(
      error.status === 400 ? 400 : 500,
      error.status === 400 ? 'MALFORMED_BODY' : 'INTERNAL',
      error.status === 400 ? 'the request body is malformed' : 'the request could not be completed',
    )
  }
  return new GatewayError(500, 'INTERNAL', 'the request could not be completed')
}

/**
 * The problem+json body of an error.
 *
 * @example
 * ```ts
 * const body = problemOf(new GatewayError(404, 'NOT_FOUND', 'invoice x does not exist'), requestId)
 * ```
 */
export function problemOf(error: GatewayError, requestId?: string): Problem {
  const { issues, ...rest } = error.extra
  return {
    ...rest,
    type: `https://ksef-hub.dev/problems/${error.code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[error.status] ?? 'Error',
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(error.field ? { field: error.field } : {}),
    ...(issues !== undefined ? { issues } : {}),
    ...(requestId ? { requestId } : {}),
  }
}

/**
 * Answers an error as problem+json.
 *
 * @example
 * ```ts
 * app.onError((error, c) => problemResponse(c, error))
 * ```
 */
export function problemResponse(c: Context<AppEnv>, thrown: unknown): Response {
  const error = toGatewayError(thrown)
  if (error.status >= 500 && !(thrown instanceof GatewayError)) {
    const logger = c.get('logger')
    // The cause goes to the log (redacted by the logger), never to the client.
    logger?.error(
      { err: { message: (thrown as Error)?.message, name: (thrown as Error)?.name, stack: (thrown as Error)?.stack } },
      'request failed',
    )
  }
  const body = JSON.stringify(problemOf(error, c.get('requestId')))
  return new Response(body, {
    status: error.status,
    headers: { 'content-type': 'application/problem+json', ...error.headers },
  })
}
