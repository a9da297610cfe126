/**
 * Test support: a client pointed at a fake KSeF, with a logger that keeps every line.
 *
 * @module
 */
import { nipContext } from '../auth/credentials.ts'
import { createKsefClient, type KsefClient, type KsefClientOptions } from '../client.ts'
import type { KsefLogger } from '../logging/logger.ts'
import type { FakeKsef } from './fake-ksef.ts'

/** A logger that records every line as JSON text. */
export interface RecordingLogger extends KsefLogger {
  readonly lines: string[]
}

/**
 * Records log lines.
 *
 * @example
 * ```ts
 * const logger = recordingLogger()
 * ```
 */
export function recordingLogger(): RecordingLogger {
  const lines: string[] = []
  const record = (level: string) => (object: Record<string, unknown>, message?: string) => {
    lines.push(JSON.stringify({ level, ...object, msg: message }))
  }
  return { lines, debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') }
}

/**
 * A token-login client for a fake, limiter off, quick retries.
 *
 * @example
 * ```ts
 * const client = fakeClient(fake)
 * ```
 */
export function fakeClient(fake: FakeKsef, overrides: Partial<KsefClientOptions> = {}): KsefClient {
  return createKsefClient({
    environment: { baseUrl: fake.url },
    context: nipContext(fake.nip),
    credentials: { kind: 'token', token: fake.token },
    rateLimiter: { limits: 'off' },
    retry: { baseDelayMs: 20 },
    auth: { pollIntervalMs: 10 },
    ...overrides,
  })
}
