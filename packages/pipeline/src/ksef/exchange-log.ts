/**
 * Every KSeF exchange, in the audit log: the KSeF client reports its calls to its logger; this logger writes
 * those reports (already redacted by the client, and redacted again here) as audit entries, in small batches so
 * that a burst of calls costs a few inserts.
 *
 * @module
 */
import type { Kysely } from 'kysely'
import { type AuditInput, appendAudit } from '../audit/audit.ts'
import type { Database } from '../db/schema.ts'
import type { Logger } from '../logging/logger.ts'

// The client's messages that describe an exchange with KSeF.
const EXCHANGE_MESSAGES = new Set([
  'ksef call',
  'ksef call failed',
  'ksef call repeated',
  'pre-signed call failed',
  'online session opened',
  'batch session opened',
  'batch session closed',
  'invoice sent',
])

/** A pino-compatible logger that also records KSeF exchanges in the audit log. */
export interface ExchangeLogger extends Logger {
  /** Writes what is buffered. */
  flush(): Promise<void>
}

/**
 * A logger for one tenant's KSeF client: passes everything to `logger`, and records exchanges in the audit log.
 *
 * @example
 * ```ts
 * const exchangeLog = exchangeLogger(db, logger, 'acme')
 * const client = createKsefClient({ ..., logger: exchangeLog })
 * ```
 */
export function exchangeLogger(db: Kysely<Database>, logger: Logger, tenantId: string): ExchangeLogger {
  let buffer: AuditInput[] = []
  let flushing: Promise<void> = Promise.resolve()
  let timer: NodeJS.Timeout | undefined

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer)
    timer = undefined
    const entries = buffer
    buffer = []
    if (entries.length === 0) return flushing
    flushing = flushing
      .then(() => appendAudit(db, ...entries))
      .catch((error: unknown) =>
        logger.error({ error: String(error) }, 'could not write KSeF exchanges to the audit log'),
      )
    return flushing
  }

  const record = (level: 'debug' | 'info' | 'warn' | 'error', object: Record<string, unknown>, message?: string) => {
    logger[level](object, message)
    if (!message || !EXCHANGE_MESSAGES.has(message)) return
    buffer.push({ tenantId, kind: 'ksef.exchange', actor: 'worker', details: { message, ...object } })
    if (buffer.length >= 50) void flush()
    else timer ??= setTimeout(() => void flush(), 250).unref()
  }

  return {
    debug: (object, message) => record('debug', object, message),
    info: (object, message) => record('info', object, message),
    warn: (object, message) => record('warn', object, message),
    error: (object, message) => record('error', object, message),
    child: () => exchangeLogger(db, logger, tenantId),
    flush,
  }
}
