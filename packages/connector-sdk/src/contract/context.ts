/**
 * What a connector gets for one piece of work: its connection's settings, its credentials (renewed as needed), an
 * HTTP client for its system's hosts, a redacted logger, an abort signal, and a narrow read of what the hub sent
 * from this connection. Never the database, the queue or the HTTP server.
 *
 * @module
 */
import type { Credentials } from './auth.ts'
import type { HttpClient } from './http.ts'

/** The logging calls a connector may make (pino-compatible; the hub redacts tokens, keys and personal data). */
export interface ConnectorLogger {
  debug(object: Record<string, unknown>, message?: string): void
  info(object: Record<string, unknown>, message?: string): void
  warn(object: Record<string, unknown>, message?: string): void
  error(object: Record<string, unknown>, message?: string): void
}

/** An invoice the hub took in from this connection, as a mapping of a later document may need it. */
export interface SentInvoice {
  readonly invoiceId: string
  /** P_2 and P_1 (`YYYY-MM-DD`) as sent. */
  readonly number: string
  readonly issueDate: string
  /** `confirmed` once KSeF gave it a number; `rejected` when KSeF (or the hub's checks) refused it. */
  readonly state: 'pending' | 'confirmed' | 'rejected'
  readonly ksefNumber: string | null
}

/** What a connector may read of the hub's records: only what came from its own connection. */
export interface HubLookup {
  /** The invoice the hub made of a source document of this connection, if any. */
  invoiceOf(ref: string): Promise<SentInvoice | undefined>
}

/** The tenant a connection belongs to: the seller of every invoice it sends. */
export interface TenantInfo {
  readonly id: string
  readonly nip: string
  readonly name: string
}

/** What a connector works with. */
export interface ConnectorContext<Settings, Secrets> {
  readonly tenant: TenantInfo
  /** The connection: its id and its name within the tenant (`hubspot`, `xero-pl`). */
  readonly connection: { readonly id: string; readonly name: string }
  readonly settings: Settings
  readonly credentials: Credentials<Secrets>
  readonly http: HttpClient
  readonly logger: ConnectorLogger
  /** Aborted when the hub stops the work (shutdown, a lost job claim). */
  readonly signal: AbortSignal
  /** The hub's clock. */
  readonly now: () => Date
  readonly hub: HubLookup
  /**
   * Where the source system must send this connection's webhooks (what a subscription names as its notification
   * URL), when the hub knows its public address (`KSEF_HUB_PUBLIC_URL`); `undefined` otherwise, and a connector
   * then relies on pulls alone.
   */
  readonly webhookUrl?: string
}

/** What a webhook check runs with: settings and secrets as stored, no network (answers must be quick). */
export interface WebhookContext<Settings, Secrets> {
  readonly tenant: TenantInfo
  readonly connection: { readonly id: string; readonly name: string }
  readonly settings: Settings
  readonly secrets: Secrets
  readonly logger: ConnectorLogger
  readonly now: () => Date
}
