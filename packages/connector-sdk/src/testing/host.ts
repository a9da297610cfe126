/**
 * The conformance kit's in-memory host: what the hub gives a connector (a credential store with a real lock, a
 * replay guard, a lookup of what the hub sent, a logger), kept in memory and recorded, so the kit can check what a
 * connector did with them: the order of secret writes and HTTP requests, the lines it logged.
 *
 * @module
 */
import type { CredentialStore } from '../auth/credentials.ts'
import type { ConnectorLogger, HubLookup, SentInvoice } from '../contract/context.ts'
import type { ReplayGuard } from '../webhooks/receive.ts'

/** Something that happened during a check, in order: secrets stored, or a request sent. */
export type TimelineEvent =
  | { readonly kind: 'write'; readonly sequence: number; readonly secrets: unknown }
  | {
      readonly kind: 'request'
      readonly sequence: number
      readonly method: string
      readonly url: string
      /** Headers and body as text, to look for secret values in. */
      readonly text: string
    }

/** An event as it is recorded (the timeline numbers it). */
export type TimelineEntry =
  | Omit<Extract<TimelineEvent, { kind: 'write' }>, 'sequence'>
  | Omit<Extract<TimelineEvent, { kind: 'request' }>, 'sequence'>

/** The order of what a check saw. */
export interface Timeline {
  readonly events: readonly TimelineEvent[]
  record(event: TimelineEntry): number
}

/**
 * A timeline that numbers events as they come.
 *
 * @example
 * ```ts
 * const timeline = createTimeline()
 * const store = createMemoryCredentialStore(secrets, timeline)
 * ```
 */
export function createTimeline(): Timeline {
  const events: TimelineEvent[] = []
  return {
    events,
    record(event) {
      const sequence = events.length + 1
      events.push({ ...event, sequence } as TimelineEvent)
      return sequence
    },
  }
}

/** A credential store in memory, with the hub's lock and a record of every write. */
export interface MemoryCredentialStore extends CredentialStore<unknown> {
  /** The secrets stored by renewals, in order (the initial secrets are not a write). */
  readonly writes: readonly unknown[]
  /** The secrets as stored now. */
  stored(): unknown
}

// The hub keeps secrets as encrypted JSON: a round trip through JSON is what a stored value becomes.
const asStored = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)))

/**
 * A credential store whose renewals run one at a time: a renewal that starts while another runs waits for it and
 * then sees what it stored, as two workers renewing one connection do in the hub.
 *
 * @example
 * ```ts
 * const store = createMemoryCredentialStore({ apiKey: 'k' })
 * await store.renewLocked(async (stored) => ({ ...stored, accessToken: 'new' }))
 * store.writes.length // 1
 * ```
 */
export function createMemoryCredentialStore(initial: unknown, timeline?: Timeline): MemoryCredentialStore {
  let current = asStored(initial)
  const writes: unknown[] = []
  let tail: Promise<unknown> = Promise.resolve()
  return {
    writes,
    stored: () => asStored(current),
    read: async () => asStored(current),
    renewLocked(renew) {
      const run = tail.then(async () => {
        const renewed = await renew(asStored(current))
        if (renewed !== undefined) {
          current = asStored(renewed)
          writes.push(asStored(current))
          timeline?.record({ kind: 'write', secrets: asStored(current) })
        }
        return asStored(current)
      })
      // A failed renewal releases the lock too; the caller gets its error from `run`.
      tail = run.catch(() => undefined)
      return run
    },
  }
}

/**
 * A replay guard in memory.
 *
 * @example
 * ```ts
 * const guard = createMemoryReplayGuard()
 * await guard.firstSight('d1') // true
 * await guard.firstSight('d1') // false
 * ```
 */
export function createMemoryReplayGuard(): ReplayGuard {
  const seen = new Set<string>()
  return {
    async firstSight(deliveryId) {
      if (seen.has(deliveryId)) return false
      seen.add(deliveryId)
      return true
    },
  }
}

/** A hub lookup the kit fills with what "the hub sent". */
export interface MemoryHubLookup extends HubLookup {
  /** Records that the hub made `invoice` of source document `ref`. */
  record(ref: string, invoice: SentInvoice): void
}

/**
 * A hub lookup in memory.
 *
 * @example
 * ```ts
 * const hub = createMemoryHubLookup()
 * hub.record('inv-1', { invoiceId: 'i1', number: 'FV/1', issueDate: '2026-11-02', state: 'confirmed', ksefNumber })
 * ```
 */
export function createMemoryHubLookup(): MemoryHubLookup {
  const sent = new Map<string, SentInvoice>()
  return {
    async invoiceOf(ref) {
      return sent.get(ref)
    },
    record(ref, invoice) {
      sent.set(ref, invoice)
    },
  }
}

function serializable(value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, cause: serializable(value.cause) }
  }
  if (value instanceof Uint8Array) return new TextDecoder().decode(value)
  if (typeof value === 'bigint') return value.toString()
  return value
}

/**
 * A logger that keeps every line (JSON, as the hub's logger writes them) in `lines`.
 *
 * @param bindings added to every line (the check's name)
 * @example
 * ```ts
 * const lines: string[] = []
 * createCapturingLogger(lines, { check: 'writeBack.once' }).info({ ref: '42' }, 'written back')
 * ```
 */
export function createCapturingLogger(lines: string[], bindings: Record<string, unknown> = {}): ConnectorLogger {
  const write = (level: string) => (object: Record<string, unknown>, message?: string) => {
    const seen = new WeakSet<object>()
    lines.push(
      JSON.stringify({ level, ...bindings, ...object, msg: message }, (_key, value: unknown) => {
        const plain = serializable(value)
        if (typeof plain === 'object' && plain !== null) {
          if (seen.has(plain)) return '[circular]'
          seen.add(plain)
        }
        return plain
      }),
    )
  }
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') }
}

/** Secret values shorter than this are not looked for: they would match ordinary words and numbers. */
export const MIN_SECRET_LENGTH = 8

/**
 * Every string in a value (a connection's secrets) long enough to be looked for.
 *
 * @example
 * ```ts
 * secretValues({ apiKey: 'sk_live_123456', nested: { token: 'tok_abcdefgh' } }) // ['sk_live_123456', 'tok_abcdefgh']
 * ```
 */
export function secretValues(value: unknown): string[] {
  if (typeof value === 'string') return value.length >= MIN_SECRET_LENGTH ? [value] : []
  if (Array.isArray(value)) return value.flatMap(secretValues)
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(secretValues)
  return []
}

/** A secret found in a log line. */
export interface SecretLeak {
  /** The line's index in the log. */
  readonly line: number
  /** Where the secret sits in the secrets (`refreshToken`), never the value. */
  readonly secret: string
}

function namedValues(value: unknown, path: string): [string, string][] {
  if (typeof value === 'string') return value.length >= MIN_SECRET_LENGTH ? [[path || '(value)', value]] : []
  if (Array.isArray(value)) return value.flatMap((item, index) => namedValues(item, `${path}[${index}]`))
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => namedValues(item, path ? `${path}.${key}` : key))
  }
  return []
}

/**
 * A log line with every secret value in it replaced by `[secret <name>]`, to show where a leak is without leaking.
 *
 * @example
 * ```ts
 * redactLine('{"msg":"token sk_live_123456"}', [{ apiKey: 'sk_live_123456' }]) // '{"msg":"token [secret apiKey]"}'
 * ```
 */
export function redactLine(line: string, secrets: readonly unknown[]): string {
  let redacted = line
  for (const [name, value] of secrets.flatMap((item) => namedValues(item, ''))) {
    redacted = redacted.replaceAll(value, `[secret ${name}]`)
    redacted = redacted.replaceAll(JSON.stringify(value).slice(1, -1), `[secret ${name}]`)
  }
  return redacted
}

/**
 * The log lines that contain a secret value (also JSON-escaped, as a logger writes it), by line and secret name.
 *
 * @example
 * ```ts
 * findSecretLeaks(['{"msg":"token sk_live_123456"}'], [{ apiKey: 'sk_live_123456' }]) // [{ line: 0, secret: 'apiKey' }]
 * ```
 */
export function findSecretLeaks(lines: readonly string[], secrets: readonly unknown[]): SecretLeak[] {
  const named = secrets.flatMap((value) => namedValues(value, ''))
  const leaks: SecretLeak[] = []
  lines.forEach((line, index) => {
    for (const [secret, value] of named) {
      if (line.includes(value) || line.includes(JSON.stringify(value).slice(1, -1))) {
        leaks.push({ line: index, secret })
        break
      }
    }
  })
  return leaks
}

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body
  if (body instanceof Uint8Array) return new TextDecoder().decode(body)
  if (body instanceof URLSearchParams) return body.toString()
  return ''
}

/**
 * A fetch that records every request (method, URL, headers and body) on the timeline before sending it, so the
 * kit can tell which secrets a request carried and whether they had been stored by then.
 *
 * @example
 * ```ts
 * const context = createConnectorContext(connector, { ...host, fetch: createRecordingFetch(timeline) })
 * ```
 */
export function createRecordingFetch(timeline: Timeline, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const request = input instanceof Request ? input : undefined
    const url = request ? request.url : input.toString()
    const headers = new Headers(request?.headers)
    for (const [name, value] of new Headers(init?.headers)) headers.set(name, value)
    const lines = [url, ...[...headers].map(([name, value]) => `${name}: ${value}`), bodyText(init?.body)]
    timeline.record({ kind: 'request', method: init?.method ?? request?.method ?? 'GET', url, text: lines.join('\n') })
    return base(input, init)
  }
}
