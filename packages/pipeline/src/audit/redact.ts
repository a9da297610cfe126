/**
 * Redaction of secrets and personal data before anything is logged or written to the audit log.
 *
 * @module
 */

const SECRET_KEYS =
  /token|secret|password|passphrase|authorization|api[-_]?key|private[-_]?key|encrypted|cookie|signature/i
// Personal data an audit reader does not need: addresses and contact details of the parties.
const PERSONAL_KEYS = /^(email|phone|address|line1|line2|correspondenceAddress|contacts)$/i
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g
const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g

/** The placeholder for a removed value. */
export const REDACTED = '[redacted]'

/**
 * Redacts strings that look like credentials inside free text (bearer tokens, JWTs).
 *
 * @example
 * ```ts
 * redactText('Authorization: Bearer abcdefghijkl') // 'Authorization: Bearer [redacted]'
 * ```
 */
export function redactText(text: string): string {
  return text.replace(BEARER, (_, scheme: string) => `${scheme} ${REDACTED}`).replace(JWT, REDACTED)
}

/**
 * A deep copy with secret and personal fields replaced by {@link REDACTED}, and credential-looking text masked.
 *
 * @example
 * ```ts
 * redact({ token: 'x', nip: '5265877635' }) // { token: '[redacted]', nip: '5265877635' }
 * ```
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 12) return REDACTED
  if (typeof value === 'string') return redactText(value)
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1))
  if (value instanceof Uint8Array) return `[${value.length} bytes]`
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) {
      out[key] = SECRET_KEYS.test(key) || PERSONAL_KEYS.test(key) ? REDACTED : redact(inner, depth + 1)
    }
    return out
  }
  return value
}
