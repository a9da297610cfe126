/**
 * The hub's tables as kysely sees them. Every table lives in the `hub` schema; pg-boss keeps its own `pgboss`.
 *
 * @module
 */
import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable, Updateable } from 'kysely'
import type {
  ConnectionsTable,
  IncomingImportsTable,
  SourceDocumentsTable,
  WebhookReceiptsTable,
} from './connections-schema.ts'
import type {
  ApiKeysTable,
  IdempotencyKeysTable,
  WebhookDeliveriesTable,
  WebhookSubscriptionsTable,
} from './gateway-schema.ts'

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type CreatedAt = ColumnType<Date, Date | string | undefined, never>

/** A client of the hub: one seller (KSeF context) in one KSeF environment. */
export interface TenantsTable {
  id: string
  name: string
  nip: string
  environment: 'test' | 'demo' | 'prod'
  /** A custom KSeF base URL (the simulator); `null` means the environment's official URL. */
  ksef_base_url: string | null
  settings: JSONColumnType<Record<string, unknown>>
  created_at: CreatedAt
  updated_at: Timestamp
  disabled_at: Timestamp | null
  /** Deleted for good: secrets and access erased, the record of its invoicing kept (migration 0007). */
  deleted_at: Timestamp | null
}

/** A secret of a tenant, encrypted with a data key that is itself encrypted with the master key. */
export interface SecretsTable {
  tenant_id: string
  name: string
  key_id: string
  wrapped_key: Buffer
  iv: Buffer
  tag: Buffer
  ciphertext: Buffer
  created_at: CreatedAt
  updated_at: Timestamp
}

/** An outgoing invoice and where it is in its life. */
export interface InvoicesTable {
  id: string
  tenant_id: string
  source: string
  source_ref: string
  idempotency_key: string
  /** SHA-256 of the canonical model without its creation time: the same document, submitted again, matches. */
  content_hash: string
  duplicate_key: string
  seller_nip: string
  invoice_type: string
  invoice_number: string
  issue_date: string
  gross_amount: string
  currency: string
  model: JSONColumnType<Record<string, unknown>>
  /** The exact bytes sent to KSeF; built by the worker when the invoice came as JSON and skipped full checks. */
  xml: Buffer | null
  invoice_hash: string | null
  invoice_size: number | null
  state: string
  offline: boolean
  ksef_number: string | null
  ksef_session_ref: string | null
  ksef_invoice_ref: string | null
  session_kind: 'online' | 'batch' | null
  acquisition_date: Timestamp | null
  permanent_storage_date: Timestamp | null
  upo_download_url: string | null
  rejection_code: number | null
  rejection_reason_en: string | null
  rejection_reason_pl: string | null
  rejection_details: JSONColumnType<Record<string, unknown>> | null
  warnings: JSONColumnType<unknown[]>
  send_attempts: Generated<number>
  version: Generated<number>
  /** `parked`: waiting for its connection's re-authorization. */
  writeback_state: 'pending' | 'done' | 'failed' | 'none' | 'parked'
  writeback_error: string | null
  /** When the tenant was told the invoice is stuck (once per stall). */
  stuck_alerted_at: Timestamp | null
  created_at: CreatedAt
  updated_at: Timestamp
  sent_at: Timestamp | null
  accepted_at: Timestamp | null
  confirmed_at: Timestamp | null
}

/** One try at a step of an invoice's life (send, reconcile, UPO download, write-back). */
export interface AttemptsTable {
  id: Generated<string>
  invoice_id: string
  tenant_id: string
  kind: string
  started_at: CreatedAt
  finished_at: Timestamp | null
  session_ref: string | null
  invoice_ref: string | null
  outcome: string | null
  error_class: string | null
  error_code: string | null
  message: string | null
}

/** A KSeF session the hub opened; online sessions are reused while valid. */
export interface KsefSessionsTable {
  reference_number: string
  tenant_id: string
  kind: 'online' | 'batch'
  status: string
  valid_until: Timestamp | null
  /** The session's AES key, encrypted with the master key, so any worker can send into the session. */
  key_material: Buffer | null
  invoice_count: Generated<number>
  opened_at: CreatedAt
  last_used_at: Timestamp
  closed_at: Timestamp | null
  processed_at: Timestamp | null
}

/** The UPO of an invoice: the exact bytes KSeF gave and the fields the hub reads from them. */
export interface UposTable {
  invoice_id: string
  tenant_id: string
  ksef_number: string
  xml: Buffer
  document_hash: string | null
  ksef_number_assigned_at: Timestamp | null
  fetched_at: CreatedAt
}

/** A purchase invoice pulled from KSeF (the tenant is the buyer). */
export interface IncomingInvoicesTable {
  id: string
  tenant_id: string
  ksef_number: string
  seller_nip: string
  seller_name: string | null
  invoice_number: string
  invoice_type: string
  issue_date: string
  currency: string
  net_amount: string | null
  vat_amount: string | null
  gross_amount: string | null
  acquisition_date: Timestamp | null
  permanent_storage_date: Timestamp | null
  metadata: JSONColumnType<Record<string, unknown>>
  xml: Buffer | null
  model: JSONColumnType<Record<string, unknown>> | null
  received_at: CreatedAt
}

/** Where the incremental pull of incoming invoices stands, per tenant and subject type. */
export interface IncomingSyncTable {
  tenant_id: string
  subject_type: string
  high_water_mark: Timestamp | null
  last_run_at: Timestamp | null
}

/** Append-only record of every state change and every KSeF exchange (secrets redacted). */
export interface AuditLogTable {
  id: Generated<string>
  at: CreatedAt
  tenant_id: string | null
  invoice_id: string | null
  kind: string
  from_state: string | null
  to_state: string | null
  actor: string
  details: JSONColumnType<Record<string, unknown>>
}

/** Request log of the shared KSeF rate limiter, one row per (context, endpoint group). */
export interface RateLimitsTable {
  key: string
  stamps: ColumnType<string[], string[], string[]>
  blocked_until: ColumnType<string, string | number, string | number>
}

/** A tenant's shared request budget (gateway rate limit), leased through `hub.lease_request_tokens`. */
export interface RequestBudgetsTable {
  tenant_id: string
  tokens: number
  refreshed_at: ColumnType<Date, Date | string, Date | string>
}

/** Shared circuit breaker state per KSeF endpoint (environment or base URL). */
export interface BreakersTable {
  scope: string
  state: 'closed' | 'open' | 'half-open'
  failures: number
  /** The current cool-down; it doubles after each failed probe. */
  cooldown_ms: number
  opened_at: Timestamp | null
  retry_at: Timestamp | null
  updated_at: Timestamp
}

/** A domain event of a tenant (the source of webhook deliveries). */
export interface EventsTable {
  id: string
  tenant_id: string
  type: string
  invoice_id: string | null
  data: JSONColumnType<Record<string, unknown>>
  created_at: CreatedAt
}

/** A reconciliation run's findings. */
export interface ReconciliationReportsTable {
  id: string
  tenant_id: string
  created_at: CreatedAt
  range_from: Timestamp
  range_to: Timestamp
  summary: JSONColumnType<Record<string, number>>
  findings: JSONColumnType<Record<string, unknown>[]>
}

/** The whole database. */
export interface Database {
  tenants: TenantsTable
  secrets: SecretsTable
  invoices: InvoicesTable
  attempts: AttemptsTable
  ksef_sessions: KsefSessionsTable
  upos: UposTable
  incoming_invoices: IncomingInvoicesTable
  incoming_sync: IncomingSyncTable
  audit_log: AuditLogTable
  rate_limits: RateLimitsTable
  request_budgets: RequestBudgetsTable
  breakers: BreakersTable
  events: EventsTable
  reconciliation_reports: ReconciliationReportsTable
  api_keys: ApiKeysTable
  idempotency_keys: IdempotencyKeysTable
  webhook_subscriptions: WebhookSubscriptionsTable
  webhook_deliveries: WebhookDeliveriesTable
  connections: ConnectionsTable
  source_documents: SourceDocumentsTable
  webhook_receipts: WebhookReceiptsTable
  incoming_imports: IncomingImportsTable
}

export type Tenant = Selectable<TenantsTable>
export type NewTenant = Insertable<TenantsTable>
export type Invoice = Selectable<InvoicesTable>
export type NewInvoice = Insertable<InvoicesTable>
export type InvoiceUpdate = Updateable<InvoicesTable>
export type AuditEntry = Selectable<AuditLogTable>
