/**
 * Turns a failed exchange into the error family: an HTTP answer that is not 2xx, or a transport failure. Also says
 * whether the client itself may repeat the call.
 *
 * @module
 */
import { classifyExceptionCode } from '../errors/ksef-codes.ts'
import { type KsefError, type KsefErrorClass, makeKsefError } from '../errors/ksef-error.ts'
import { parseErrorBody, retryAfterMs } from './error-body.ts'
import type { TransportFailure, TransportResponse } from './transport.ts'

/** An error and whether repeating the same call is safe (KSeF provably did not act on it). */
export interface Classified {
  readonly error: KsefError
  readonly safeToRepeat: boolean
}

/** What is known about the call that failed. */
export interface CallFacts {
  readonly operation: string
  readonly idempotent: boolean
  /** Used in messages; never the URL itself (pre-signed URLs carry credentials). */
  readonly label: string
}

const MAX_MESSAGE = 600

function clip(message: string): string {
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message
}

/**
 * Classifies an answer that is not 2xx.
 *
 * @example
 * ```ts
 * classifyResponse({ status: 503, headers: {}, body: Buffer.alloc(0) }, facts).error.errorClass // 'transient'
 * ```
 */
export function classifyResponse(response: TransportResponse, facts: CallFacts): Classified {
  const { status } = response
  const body = parseErrorBody(response.headers['content-type'], response.body)
  const said = [body.code, body.description].filter((part) => part !== undefined).join(' ')
  const details = body.details
  const base = {
    httpStatus: status,
    operation: facts.operation,
    details,
    ...(body.traceId ? { traceId: body.traceId } : {}),
  }
  const build = (errorClass: KsefErrorClass, code: string, message: string, extra: { retryAfterMs?: number } = {}) =>
    makeKsefError(errorClass, {
      ...base,
      ...extra,
      code,
      ...(body.code !== undefined ? { ksefCode: body.code } : {}),
      message: clip(`${facts.label}: HTTP ${status}${said ? ` ${said}` : ''}${message ? ` (${message})` : ''}`),
    })

  if (status === 429) {
    const wait = retryAfterMs(response.headers['retry-after']) ?? 1_000
    return {
      error: build('transient', 'RATE_LIMITED', `retry after ${Math.ceil(wait / 1000)} s`, { retryAfterMs: wait }),
      safeToRepeat: true,
    }
  }
  if (status === 404) {
    return {
      error: build('configuration', 'NOT_FOUND', 'no such endpoint: wrong base URL or environment?'),
      safeToRepeat: false,
    }
  }
  if (body.html) {
    // KSeF's API answers in JSON; an HTML page comes from the firewall or a proxy in front of it.
    const errorClass: KsefErrorClass = !facts.idempotent && status === 504 ? 'ambiguous' : 'transient'
    return {
      error: build(errorClass, 'HTML_ERROR_PAGE', 'an HTML page, not a KSeF answer'),
      safeToRepeat: facts.idempotent,
    }
  }
  if (status >= 500) {
    // A gateway timeout on a call that changes state means KSeF got the request and its fate is unknown.
    const errorClass: KsefErrorClass = !facts.idempotent && status === 504 ? 'ambiguous' : 'transient'
    return { error: build(errorClass, `HTTP_${status}`, ''), safeToRepeat: facts.idempotent }
  }
  if (status === 401) return { error: build('auth', 'UNAUTHORIZED', 'log in again'), safeToRepeat: true }
  if (status === 403) {
    return {
      error: build('configuration', body.reasonCode ?? 'FORBIDDEN', 'missing permission or wrong context'),
      safeToRepeat: false,
    }
  }
  if (status === 408) return { error: build('transient', 'HTTP_408', ''), safeToRepeat: facts.idempotent }
  if (status === 410) return { error: build('permanent', 'GONE', 'past its retention'), safeToRepeat: false }
  if (status === 400) {
    const errorClass = classifyExceptionCode(body.code)
    return {
      error: build(errorClass, body.code !== undefined ? String(body.code) : 'HTTP_400', ''),
      safeToRepeat: false,
    }
  }
  if (status === 415 || status === 405)
    return { error: build('configuration', `HTTP_${status}`, ''), safeToRepeat: false }
  return { error: build('permanent', `HTTP_${status}`, ''), safeToRepeat: false }
}

const FAILURE_CODES: Readonly<Record<TransportFailure['kind'], string>> = {
  timeout: 'TIMEOUT',
  aborted: 'ABORTED',
  reset: 'CONNECTION_RESET',
  refused: 'CONNECTION_REFUSED',
  dns: 'DNS_LOOKUP_FAILED',
  tls: 'TLS_ERROR',
  'too-large': 'RESPONSE_TOO_LARGE',
  other: 'NETWORK_ERROR',
}

/**
 * Classifies a transport failure: before the body was sent it is transient and safe to repeat; after, it is
 * ambiguous for a call that changes state and transient for one that does not.
 *
 * @example
 * ```ts
 * classifyFailure(new TransportFailure('timeout', true, 'slow'), { operation: 'sendInvoice', idempotent: false, label: 'x' })
 *   .error.errorClass // 'ambiguous'
 * ```
 */
export function classifyFailure(failure: TransportFailure, facts: CallFacts): Classified {
  const code = FAILURE_CODES[failure.kind]
  const when = failure.bodySent ? 'after the request was sent' : 'before the request was sent'
  const base = { code, operation: facts.operation, cause: failure }
  if (failure.kind === 'tls') {
    return {
      error: makeKsefError('configuration', {
        ...base,
        message: clip(`${facts.label}: TLS failure: ${failure.message}`),
      }),
      safeToRepeat: false,
    }
  }
  let errorClass: KsefErrorClass = failure.bodySent && !facts.idempotent ? 'ambiguous' : 'transient'
  if (failure.kind === 'too-large') errorClass = 'permanent'
  const hint = errorClass === 'ambiguous' ? '; KSeF may have received it: reconcile before any retry' : ''
  const dns = failure.kind === 'dns' ? '; check the base URL' : ''
  return {
    error: makeKsefError(errorClass, {
      ...base,
      message: clip(`${facts.label}: ${failure.message} ${when}${hint}${dns}`),
    }),
    safeToRepeat: !failure.bodySent && failure.kind !== 'aborted' && failure.kind !== 'too-large',
  }
}
