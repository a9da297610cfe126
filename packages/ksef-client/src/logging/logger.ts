/**
 * Logging through a small structural interface that pino satisfies, with redaction of every secret the client
 * knows about (KSeF token, access/refresh/authentication tokens, symmetric keys) by key name and by value.
 *
 * @module
 */

/** One log method: a context object first, then the message (pino's order). */
export type LogMethod = (object: Record<string, unknown>, message?: string) => void

/**
 * The logger the client writes to. A pino logger fits as it is.
 *
 * @example
 * ```ts
 * const client = createKsefClient({ ..., logger: pino() })
 * ```
 */
export interface KsefLogger {
  readonly debug: LogMethod
  readonly info: LogMethod
  readonly warn: LogMethod
  readonly error: LogMethod
}

/**
 * A logger that drops everything.
 *
 * @example
 * ```ts
 * createKsefClient({ ..., logger: noopLogger })
 * ```
 */
export const noopLogger: KsefLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
}

const SECRET_KEY_PATTERN =
  /^(authorization|token|ksefToken|accessToken|refreshToken|authenticationToken|encryptedToken|encryptedSymmetricKey|symmetricKey|key|iv|initializationVector|privateKey|password|secret)$/i
const REDACTED = '[REDACTED]'

/**
 * The set of secret values one client holds. Everything the client logs or puts in an error message passes
 * through {@link SecretRedactor.redact}, so a secret that slipped into a KSeF error description or a URL is
 * still masked.
 *
 * @example
 * ```ts
 * const secrets = new SecretRedactor()
 * secrets.add(ksefToken)
 * secrets.redact(`token ${ksefToken}`) // 'token [REDACTED]'
 * ```
 */
export class SecretRedactor {
  readonly #secrets = new Set<string>()

  /** Registers a secret; values shorter than 8 characters are ignored (they would mask ordinary words). */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 8) this.#secrets.add(secret)
  }

  /** Forgets a secret that is no longer held (an expired access token). */
  delete(secret: string | undefined): void {
    if (secret) this.#secrets.delete(secret)
  }

  /** Masks every registered secret in a text. */
  redact(text: string): string {
    let out = text
    for (const secret of this.#secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED)
    }
    return out
  }

  /** Masks secrets in a log context: by key name (authorization, token, ...) and by value, deeply. */
  redactObject(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.redact(value)
    if (depth > 6 || value === null || typeof value !== 'object') return value
    if (value instanceof Error) return this.redact(`${value.name}: ${value.message}`)
    if (Array.isArray(value)) return value.map((item) => this.redactObject(item, depth + 1))
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) {
      out[key] = SECRET_KEY_PATTERN.test(key) && item !== undefined ? REDACTED : this.redactObject(item, depth + 1)
    }
    return out
  }
}

/**
 * Wraps a logger so that nothing it receives can carry a secret.
 *
 * @example
 * ```ts
 * const log = redactingLogger(pino(), secrets)
 * log.info({ authorization: 'Bearer abc...' }, 'calling') // authorization: '[REDACTED]'
 * ```
 */
export function redactingLogger(inner: KsefLogger, secrets: SecretRedactor): KsefLogger {
  const wrap =
    (method: LogMethod): LogMethod =>
    (object, message) => {
      const safe = secrets.redactObject(object) as Record<string, unknown>
      method(safe, message === undefined ? undefined : secrets.redact(message))
    }
  return {
    debug: wrap(inner.debug.bind(inner)),
    info: wrap(inner.info.bind(inner)),
    warn: wrap(inner.warn.bind(inner)),
    error: wrap(inner.error.bind(inner)),
  }
}
