/**
 * Telling a database outage from a failed statement. During an outage every request fails the same way and
 * succeeds again once the database is back: callers answer "unavailable, retry" (HTTP 503) rather than an internal
 * error, and a group commit does not try its members one by one. A failed statement (a constraint, bad input) is
 * about one request.
 *
 * @module
 */

// Node's socket errors on connecting, or on a connection that broke.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
])
// SQLSTATE: class 08 connection exceptions; the server shutting down or starting (57P01-57P03); too many
// connections (53300); the server out of memory or disk (53100, 53200).
const UNAVAILABLE_STATES = /^(08...|57P0[123]|53[123]00)$/
// What node-postgres and its pool say when the connection is gone or cannot be had.
const CONNECTION_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly)/

/**
 * Whether an error (or any error in its `cause` chain) means the database cannot be reached now.
 *
 * @example
 * ```ts
 * if (isDatabaseUnavailable(error)) return answer503('retry later')
 * ```
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.test(code))) return true
    if (CONNECTION_MESSAGES.test(current.message)) return true
    if (current instanceof AggregateError && current.errors.some(isDatabaseUnavailable)) return true
    current = current.cause
  }
  return false
}
