/**
 * The connection tables as kysely sees them (see migration 0006-connections).
 *
 * @module
 */
import type { ColumnType, Generated, JSONColumnType } from 'kysely'

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type Json = ColumnType<unknown, string | null, string | null>

/** A tenant's connection to one account of a source system, through a connector. */
export interface ConnectionsTable {
  id: string
  tenant_id: string
  /** Unique within the tenant; the `source` of the invoices it brings (`hubspot`, `xero-pl`). */
  name: string
  connector: string
  enabled: boolean
  /** Whether purchase invoices from KSeF are imported into the system (as bills) through this connection. */
  import_incoming: Generated<boolean>
  settings: JSONColumnType<Record<string, unknown>>
  status: ColumnType<'active' | 'needs_reauth', 'active' | 'needs_reauth' | undefined, 'active' | 'needs_reauth'>
  status_reason: string | null
  /** The pull's checkpoint, as the connector's cursor schema says. */
  cursor: Json
  cursor_at: Timestamp | null
  pull_requested_at: Timestamp | null
  pull_lease_owner: string | null
  pull_lease_until: Timestamp | null
  last_pull_started_at: Timestamp | null
  last_pull_finished_at: Timestamp | null
  last_error: string | null
  last_error_at: Timestamp | null
  credentials_lease_owner: string | null
  credentials_lease_until: Timestamp | null
  created_at: CreatedAt
  updated_at: Timestamp
}

/** What became of a document a pull found. */
export type SourceDocumentState = 'submitted' | 'skipped' | 'unmappable' | 'invalid' | 'waiting' | 'refused'

/** A document of a source system, by connection and ref. */
export interface SourceDocumentsTable {
  connection_id: string
  ref: string
  tenant_id: string
  state: SourceDocumentState
  invoice_id: string | null
  /** The document as pulled, kept until it becomes an invoice (to map it again after a wait). */
  data: Json
  /** SHA-256 of the document as pulled: an unchanged document pulled again is not mapped again. */
  data_hash: string
  source_updated_at: string | null
  code: string | null
  field: string | null
  reason: string | null
  fix: string | null
  issues: Json
  attempts: Generated<number>
  retry_at: Timestamp | null
  first_seen_at: CreatedAt
  updated_at: Timestamp
}

/** A webhook delivery a connection received (the replay guard's memory). */
export interface WebhookReceiptsTable {
  connection_id: string
  delivery_id: string
  received_at: CreatedAt
}

/** An incoming invoice imported (or being imported) into a connection's system. */
export interface IncomingImportsTable {
  connection_id: string
  incoming_id: string
  tenant_id: string
  /** `parked`: waiting for the connection's re-authorization. */
  state: 'pending' | 'done' | 'failed' | 'parked'
  target_ref: string | null
  error: string | null
  attempts: Generated<number>
  updated_at: Timestamp
}
