/**
 * The hub's logger: pino, JSON lines, with secrets and personal data redacted before anything is written.
 *
 * @module
 */
import { pino } from 'pino'

/** The logging calls the hub makes (pino-compatible; the KSeF client takes the same shape). */
export interface Logger {
  debug(object: Record<string, unknown>, message?: string): void
  info(object: Record<string, unknown>, message?: string): void
  warn(object: Record<string, unknown>, message?: string): void
  error(object: Record<string, unknown>, message?: string): void
  child(bindings: Record<string, unknown>): Logger
}

/** Paths pino blanks out wherever they appear (two levels deep, which is where the hub puts such fields). */
export const REDACTED_PATHS = [
  'token',
  '*.token',
  'ksefToken',
  '*.ksefToken',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'apiKey',
  '*.apiKey',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'privateKey',
  '*.privateKey',
  // Connector secrets under the names the SDK's connectors give them.
  'clientSecret',
  '*.clientSecret',
  'signingSecret',
  '*.signingSecret',
  'webhookSecret',
  '*.webhookSecret',
  'webhookKey',
  '*.webhookKey',
  'verifierToken',
  '*.verifierToken',
  'clientState',
  '*.clientState',
  'email',
  '*.email',
  'phone',
  '*.phone',
]

/**
 * A logger writing JSON lines to standard output (or `destination`), with redaction.
 *
 * @example
 * ```ts
 * const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info', name: 'worker' })
 * logger.info({ invoiceId }, 'sent')
 * ```
 */
export function createLogger(
  options: { level?: string; name?: string; destination?: NodeJS.WritableStream } = {},
): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      ...(options.name ? { name: options.name } : {}),
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination as never,
  ) as unknown as Logger
}

/**
 * A logger that drops everything (tests, library use without logging).
 *
 * @example
 * ```ts
 * const context = { ...rest, logger: silentLogger }
 * ```
 */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger
  },
}
