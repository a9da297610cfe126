/**
 * Error bodies as KSeF sends them: the legacy `ExceptionResponse` by default, RFC 7807 problem+json when the
 * client sends `X-Error-Format: problem-details`; 401 and 403 are always problem+json.
 *
 * @module
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { ApiError } from './api-error.ts'
import { EXCEPTION_CODES } from './codes.ts'

/** An HTTP answer: status, headers and a JSON body. */
export interface ErrorAnswer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: unknown
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  410: 'Gone',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
}

/**
 * Whether the client asked for problem+json errors.
 *
 * @example
 * ```ts
 * wantsProblemDetails(c.req.header('x-error-format'))
 * ```
 */
export function wantsProblemDetails(header: string | undefined): boolean {
  return header?.trim().toLowerCase() === 'problem-details'
}

/**
 * The answer for an error.
 *
 * @param instance the request path, echoed as `instance`
 * @example
 * ```ts
 * const answer = renderApiError(error, { problemDetails: true, instance: '/v2/sessions/online', now: new Date() })
 * ```
 */
export function renderApiError(
  error: ApiError,
  request: { problemDetails: boolean; instance: string; now: Date },
): ErrorAnswer {
  const timestamp = request.now.toISOString()
  const traceId = randomBytes(16).toString('hex')
  const title = TITLES[error.httpStatus] ?? 'Error'
  const problem = { 'content-type': 'application/problem+json' }
  const json = { 'content-type': 'application/json' }
  switch (error.kind) {
    case 'bad-request': {
      const entries = error.entries.map((entry) => ({
        code: entry.code,
        description: EXCEPTION_CODES[entry.code],
        details: [...entry.details],
      }))
      if (request.problemDetails) {
        return {
          status: 400,
          headers: problem,
          body: {
            title,
            status: 400,
            instance: request.instance,
            detail: 'Żądanie jest nieprawidłowe.',
            errors: entries,
            timestamp,
            traceId,
          },
        }
      }
      return {
        status: 400,
        headers: json,
        body: {
          exception: {
            exceptionDetailList: entries.map((entry) => ({
              exceptionCode: entry.code,
              exceptionDescription: entry.description,
              details: entry.details,
            })),
            referenceNumber: randomUUID(),
            serviceCode: `00-${traceId}-${randomBytes(8).toString('hex')}-00`,
            serviceCtx: 'srvKSEFSIM',
            serviceName: 'ksef-simulator',
            timestamp,
          },
        },
      }
    }
    case 'forbidden':
      return {
        status: 403,
        headers: problem,
        body: {
          title,
          status: 403,
          detail: error.message,
          instance: request.instance,
          reasonCode: error.reasonCode ?? 'insufficient-resource-access',
          ...(error.security ? { security: error.security } : {}),
          traceId,
          timestamp,
        },
      }
    case 'too-many-requests': {
      const headers = { 'retry-after': String(error.retryAfter ?? 1) }
      if (request.problemDetails) {
        return {
          status: 429,
          headers: { ...problem, ...headers },
          body: { title, status: 429, instance: request.instance, detail: error.message, timestamp, traceId },
        }
      }
      return {
        status: 429,
        headers: { ...json, ...headers },
        body: { status: { code: 429, description: title, details: [error.message] } },
      }
    }
    default:
      return {
        status: error.httpStatus,
        headers: problem,
        body: {
          title,
          status: error.httpStatus,
          detail: error.message,
          instance: request.instance,
          timestamp,
          traceId,
        },
      }
  }
}
