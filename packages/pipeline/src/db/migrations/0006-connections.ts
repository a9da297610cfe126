/**
 * Connections: one source of truth for how a tenant is connected to its systems. A tenant may have several
 * connections of one connector (two Xero organisations); each has its settings, its secrets (in `hub.secrets`
 * as `connector:<name>`), its pull cursor, its status (`needs_reauth` when a grant is revoked), and the leases that
 * keep two workers from pulling, or renewing its tokens, at once. The documents a pull found are kept with what
 * became of each (an invoice, or the reason it could not be one), webhook deliveries are remembered for the replay
 * guard, and incoming invoices imported into a system are recorded once per connection.
 *
 * The connectors enabled before (`hub.tenant_connectors`, and `settings.connectors` of tenants, which write-back
 * read) move here, each as a connection named after its connector, so the invoices they sent (`source` = the
 * connector id = the connection's name) find it.
 *
 * @module
 */
import type { Migration } from './migration.ts'

/** Migration 0006: connections, source documents, webhook receipts, incoming imports. */
export const connections: Migration = {
  name: '0006-connections',
  up: [
    `create table hub.connections (
      id text primary key,
      tenant_id text not null references hub.tenants (id) on delete cascade,
      name text not null,
      connector text not null,
      enabled boolean not null default true,
      import_incoming boolean not null default false,
      settings jsonb not null default '{}',
      status text not null default 'active' check (status in ('active', 'needs_reauth')),
      status_reason text,
      cursor jsonb,
      cursor_at timestamptz,
      pull_requested_at timestamptz,
      pull_lease_owner text,
      pull_lease_until timestamptz,
      last_pull_started_at timestamptz,
      last_pull_finished_at timestamptz,
      last_error text,
      last_error_at timestamptz,
      credentials_lease_owner text,
      credentials_lease_until timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, name)
    )`,
    `create table hub.source_documents (
      connection_id text not null references hub.connections (id) on delete cascade,
      ref text not null,
      tenant_id text not null,
      state text not null check (state in ('submitted', 'skipped', 'unmappable', 'invalid', 'waiting', 'refused')),
      invoice_id text,
      data jsonb,
      data_hash text not null,
      source_updated_at text,
      code text,
      field text,
      reason text,
      fix text,
      issues jsonb,
      attempts integer not null default 0,
      retry_at timestamptz,
      first_seen_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (connection_id, ref)
    )`,
    `create index source_documents_by_state on hub.source_documents (connection_id, state, updated_at desc)`,
    `create index source_documents_waiting on hub.source_documents (retry_at) where state = 'waiting'`,
    `create table hub.webhook_receipts (
      connection_id text not null references hub.connections (id) on delete cascade,
      delivery_id text not null,
      received_at timestamptz not null default now(),
      primary key (connection_id, delivery_id)
    )`,
    `create index webhook_receipts_by_age on hub.webhook_receipts (received_at)`,
    `create table hub.incoming_imports (
      connection_id text not null references hub.connections (id) on delete cascade,
      incoming_id text not null,
      tenant_id text not null,
      state text not null check (state in ('pending', 'done', 'failed', 'parked')),
      target_ref text,
      error text,
      attempts integer not null default 0,
      updated_at timestamptz not null default now(),
      primary key (connection_id, incoming_id)
    )`,
    `insert into hub.connections (id, tenant_id, name, connector, enabled, settings, created_at, updated_at)
      select gen_random_uuid()::text, tenant_id, connector, connector, enabled, settings, created_at, updated_at
      from hub.tenant_connectors`,
    `insert into hub.connections (id, tenant_id, name, connector, enabled, settings)
      select gen_random_uuid()::text, t.id, c.key, c.key, coalesce((c.value->>'enabled')::boolean, true),
        coalesce(c.value->'config', '{}'::jsonb)
      from hub.tenants t, jsonb_each(t.settings->'connectors') c
      where jsonb_typeof(t.settings->'connectors') = 'object'
      on conflict (tenant_id, name) do nothing`,
    `update hub.tenants set settings = settings - 'connectors' where settings ? 'connectors'`,
    `drop table hub.tenant_connectors`,
    // A write-back parked while its connection waits for re-authorization, resumed when it is authorized again.
    `alter table hub.invoices drop constraint invoices_writeback_state_check`,
    `alter table hub.invoices add constraint invoices_writeback_state_check
      check (writeback_state in ('pending', 'done', 'failed', 'none', 'parked'))`,
  ],
}
