/**
 * The gateway's tables as kysely sees them (see migration 0002-gateway).
 *
 * @module
 */
import type { ColumnType, Generated, JSONColumnType } from 'kysely'

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type CreatedAt = ColumnType<Date, Date | string | undefined, never>

/** An API key of a tenant: only its SHA-256 is stored; the key itself is shown once, when created. */
export interface ApiKeysTable {
  /** The key's public prefix (`ksh_` + 12 characters): safe to show and log. */
  id: string
  tenant_id: string
  hash: string
  name: string
  created_at: CreatedAt
  revoked_at: Timestamp | null
  last_used_at: Timestamp | null
}

/** An HTTP `Idempotency-Key` of a tenant and the response it produced (Stripe's semantics). */
export interface IdempotencyKeysTable {
  tenant_id: string
  key: string
  /** SHA-256 of method, route and body: the same key with another request is refused. */
  fingerprint: string
  state: 'processing' | 'completed'
  response_status: number | null
  response_headers: JSONColumnType<Record<string, string>> | null
  response_body: Buffer | null
  locked_at: Timestamp
  created_at: CreatedAt
  expires_at: Timestamp
}

/** Where a tenant wants its events delivered. The signing secret is in `hub.secrets` (`webhook:<id>`). */
export interface WebhookSubscriptionsTable {
  id: string
  tenant_id: string
  url: string
  events: ColumnType<string[], string[], string[]>
  description: string | null
  created_at: CreatedAt
  disabled_at: Timestamp | null
}

/** One attempt to deliver an event to a subscription. */
export interface WebhookDeliveriesTable {
  id: Generated<string>
  tenant_id: string
  event_id: string
  subscription_id: string
  attempt: number
  outcome: 'succeeded' | 'failed'
  response_status: number | null
  error: string | null
  duration_ms: number
  at: CreatedAt
}
