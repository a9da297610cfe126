/**
 * How a source system's answer becomes a connector error: one table for every connector, so a 429 means the same
 * thing for Business Central as for Xero. Plugins that call through a vendor SDK classify its errors with these.
 *
 * @module
 */
import { ConnectorError, type ConnectorErrorKind } from '../errors.ts'

/** The longest `Retry-After` taken at its word (a day); a larger value is capped, not trusted blindly. */
export const MAX_RETRY_AFTER_MS = 24 * 3600_000

// `Sun, 06 Nov 1994 08:49:37 GMT` and `Sunday, 06-Nov-94 08:49:37 GMT`; `Sun Nov  6 08:49:37 1994` (RFC 9110 §5.6.7).
const IMF_OR_RFC850 = /^[a-z]{3,9}, \d{2}[ -][a-z]{3}[ -]\d{2}(\d{2})? \d{2}:\d{2}:\d{2} GMT$/i
const ASCTIME = /^[a-z]{3} [a-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/i

/**
 * Reads a `Retry-After` header: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 *
 * @returns milliseconds to wait, or `undefined` when the header is absent or unreadable
 * @example
 * ```ts
 * retryAfterMs('30') // 30000
 * retryAfterMs('Wed, 21 Oct 2026 07:28:00 GMT', new Date('2026-10-21T07:27:00Z')) // 60000
 * ```
 */
export function retryAfterMs(value: string | null | undefined, now: Date = new Date()): number | undefined {
  if (!value) return undefined
  const trimmed = value.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.min(MAX_RETRY_AFTER_MS, Math.ceil(Number(trimmed) * 1000))
  // Only the three forms of an HTTP date: V8's Date.parse also takes "-5" or "soon 2" for days in 2001, which
  // would read as "retry at once". asctime carries no zone and means GMT, whatever the machine's zone is.
  const at = IMF_OR_RFC850.test(trimmed)
    ? Date.parse(trimmed)
    : ASCTIME.test(trimmed)
      ? Date.parse(`${trimmed} GMT`)
      : Number.NaN
  if (Number.isNaN(at)) return undefined
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - now.getTime()))
}

/**
 * The kind of failure an HTTP status reports.
 *
 * @example
 * ```ts
 * kindOfStatus(429) // 'rate_limit'
 * kindOfStatus(503) // 'transient'
 * ```
 */
export function kindOfStatus(status: number): ConnectorErrorKind {
  if (status === 401) return 'auth'
  if (status === 403) return 'forbidden'
  if (status === 404 || status === 410) return 'not_found'
  if (status === 409 || status === 412) return 'conflict'
  if (status === 429) return 'rate_limit'
  if (status === 408 || status === 425 || status >= 500) return 'transient'
  return 'validation'
}

/**
 * The connector error for an answer outside 2xx.
 *
 * @param what the call in a few words (`GET /invoices`), for the message; never a URL with secrets in its query
 * @param excerpt the start of the answer's body, for the message (at most 300 characters are kept)
 * @example
 * ```ts
 * throw errorOfStatus('PUT /Invoices/42/History', 429, response.headers.get('retry-after'), body)
 * ```
 */
export function errorOfStatus(
  what: string,
  status: number,
  retryAfter?: string | null,
  excerpt?: string,
): ConnectorError {
  const kind = kindOfStatus(status)
  const wait = retryAfterMs(retryAfter)
  const said = excerpt ? `: ${excerpt.replace(/\s+/g, ' ').trim().slice(0, 300)}` : ''
  return new ConnectorError(kind, `${what} answered ${status}${said}`, {
    status,
    ...(wait !== undefined ? { retryAfterMs: wait } : {}),
  })
}
