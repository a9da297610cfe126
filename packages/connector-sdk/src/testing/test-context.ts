/**
 * A connector's context for a plugin's unit tests, built as the hub builds it (the SDK's `createConnectorContext`):
 * the secrets in the kit's memory store (with the hub's renewal lock), a hub that knows the invoices a test says it
 * sent, a logger that keeps its lines, and the HTTP client's knobs a test wants short.
 *
 * @module
 */
import type { SentInvoice, TenantInfo } from '../contract/context.ts'
import type { AnyConnector } from '../contract/definition.ts'
import { createConnectorContext } from '../runtime/context.ts'
import {
  createCapturingLogger,
  createMemoryCredentialStore,
  createMemoryHubLookup,
  type MemoryCredentialStore,
} from './host.ts'

/** What a test context is made of. */
export interface ConnectorTestOptions {
  readonly tenant: TenantInfo
  /** Default `{ id: 'connection-1', name: <the connector's id> }`. */
  readonly connection?: { readonly id: string; readonly name: string }
  readonly settings: unknown
  readonly secrets: unknown
  /** Invoices the hub made of this connection's documents, by source ref. */
  readonly sent?: Readonly<Record<string, SentInvoice>> | ReadonlyMap<string, SentInvoice>
  /** Default: the real clock. */
  readonly now?: () => Date
  readonly webhookUrl?: string
  /** The HTTP client's retries of a transient failure, and the backoff before each (its defaults when absent). */
  readonly retries?: number
  readonly backoffMs?: (attempt: number) => number
  /** Time for one HTTP exchange (default 30 s; tests of hangs set it short). */
  readonly timeoutMs?: number
  /** The fetch under the SDK's client (to record or lose answers). */
  readonly fetch?: typeof fetch
}

/** A context and what it recorded. */
export interface ConnectorTestContext<Context> {
  readonly context: Context
  /** Every line logged, as JSON. */
  readonly logs: string[]
  /** The connection's secrets, as renewals left them. */
  readonly store: MemoryCredentialStore
}

/**
 * A context of `connector` for a unit test; `Context` is the connector's own context type.
 *
 * @throws `ConnectorError('validation')` when `settings` do not match the connector's schema
 * @example
 * ```ts
 * const { context, logs } = connectorTestContext<AcmeContext>(acme, {
 *   tenant: { id: 't1', nip: '5265877635', name: 'Acme sp. z o.o.' },
 *   settings: { baseUrl: server.url },
 *   secrets: { apiKey: 'k'.repeat(16) },
 *   retries: 1,
 *   backoffMs: () => 1,
 * })
 * await acme.healthCheck?.(context)
 * ```
 */
export function connectorTestContext<Context>(
  connector: AnyConnector,
  options: ConnectorTestOptions,
): ConnectorTestContext<Context> {
  const logs: string[] = []
  const store = createMemoryCredentialStore(options.secrets)
  const hub = createMemoryHubLookup()
  const sent = options.sent instanceof Map ? options.sent : new Map(Object.entries(options.sent ?? {}))
  for (const [ref, invoice] of sent) hub.record(ref, invoice)
  const { retries, backoffMs, timeoutMs, webhookUrl, fetch } = options
  const context = createConnectorContext(connector, {
    tenant: options.tenant,
    connection: options.connection ?? { id: 'connection-1', name: connector.id },
    settings: options.settings,
    store,
    logger: createCapturingLogger(logs),
    signal: new AbortController().signal,
    now: options.now ?? (() => new Date()),
    hub,
    ...(retries !== undefined ? { retries } : {}),
    ...(backoffMs !== undefined ? { backoffMs } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(webhookUrl !== undefined ? { webhookUrl } : {}),
    ...(fetch !== undefined ? { fetch } : {}),
  }) as Context
  return { context, logs, store }
}
