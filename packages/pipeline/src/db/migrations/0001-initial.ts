/**
 * The first schema: tenants and their secrets, invoices with their attempts, sessions and UPOs, incoming
 * invoices, the append-only audit log, and the state the workers share (rate limits, circuit breakers).
 *
 * @module
 */
import { transitionTriggerSql } from '../../invoices/states.ts'
import type { Migration } from './migration.ts'

export const initial: Migration = {
  name: '0001-initial',
  up: [
    `create schema if not exists hub`,
    `create table hub.tenants (
      id text primary key,
      name text not null,
      nip text not null,
      environment text not null check (environment in ('test', 'demo', 'prod')),
      ksef_base_url text,
      settings jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      disabled_at timestamptz
    )`,
    `create table hub.secrets (
      tenant_id text not null references hub.tenants (id) on delete cascade,
      name text not null,
      key_id text not null,
      wrapped_key bytea not null,
      iv bytea not null,
      tag bytea not null,
      ciphertext bytea not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, name)
    )`,
    `create table hub.invoices (
      id uuid primary key,
      tenant_id text not null references hub.tenants (id),
      source text not null,
      source_ref text not null,
      idempotency_key text not null,
      content_hash text not null,
      duplicate_key text not null,
      seller_nip text not null,
      invoice_type text not null,
      invoice_number text not null,
      issue_date date not null,
      gross_amount numeric(20, 2) not null,
      currency text not null,
      model jsonb not null,
      xml bytea,
      invoice_hash text,
      invoice_size integer,
      state text not null,
      offline boolean not null default false,
      ksef_number text,
      ksef_session_ref text,
      ksef_invoice_ref text,
      session_kind text check (session_kind in ('online', 'batch')),
      acquisition_date timestamptz,
      permanent_storage_date timestamptz,
      upo_download_url text,
      rejection_code integer,
      rejection_reason_en text,
      rejection_reason_pl text,
      rejection_details jsonb,
      warnings jsonb not null default '[]',
      send_attempts integer not null default 0,
      version integer not null default 1,
      writeback_state text not null default 'none' check (writeback_state in ('pending', 'done', 'failed', 'none')),
      writeback_error text,
      stuck_alerted_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      sent_at timestamptz,
      accepted_at timestamptz,
      confirmed_at timestamptz,
      unique (tenant_id, idempotency_key)
    )`,
    // KSeF refuses a second invoice with the same seller, type and number; a rejected one never counted.
    `create unique index invoices_duplicate_key on hub.invoices (tenant_id, duplicate_key) where state <> 'rejected'`,
    `create index invoices_by_state on hub.invoices (tenant_id, state, created_at)`,
    `create index invoices_by_session on hub.invoices (ksef_session_ref) where ksef_session_ref is not null`,
    `create unique index invoices_by_ksef_number on hub.invoices (ksef_number) where ksef_number is not null`,
    `create index invoices_by_created on hub.invoices (tenant_id, created_at desc, id desc)`,
    `create table hub.attempts (
      id bigserial primary key,
      invoice_id uuid not null references hub.invoices (id),
      tenant_id text not null,
      kind text not null,
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      session_ref text,
      invoice_ref text,
      outcome text,
      error_class text,
      error_code text,
      message text
    )`,
    `create index attempts_by_invoice on hub.attempts (invoice_id, started_at)`,
    `create table hub.ksef_sessions (
      reference_number text primary key,
      tenant_id text not null references hub.tenants (id),
      kind text not null check (kind in ('online', 'batch')),
      status text not null,
      valid_until timestamptz,
      key_material bytea,
      invoice_count integer not null default 0,
      opened_at timestamptz not null default now(),
      last_used_at timestamptz not null default now(),
      closed_at timestamptz,
      processed_at timestamptz
    )`,
    `create index ksef_sessions_open on hub.ksef_sessions (tenant_id, kind, status)`,
    `create table hub.upos (
      invoice_id uuid primary key references hub.invoices (id),
      tenant_id text not null,
      ksef_number text not null,
      xml bytea not null,
      document_hash text,
      ksef_number_assigned_at timestamptz,
      fetched_at timestamptz not null default now()
    )`,
    `create table hub.incoming_invoices (
      id uuid primary key,
      tenant_id text not null references hub.tenants (id),
      ksef_number text not null,
      seller_nip text not null,
      seller_name text,
      invoice_number text not null,
      invoice_type text not null,
      issue_date date not null,
      currency text not null,
      net_amount numeric(20, 2),
      vat_amount numeric(20, 2),
      gross_amount numeric(20, 2),
      acquisition_date timestamptz,
      permanent_storage_date timestamptz,
      metadata jsonb not null,
      xml bytea,
      model jsonb,
      received_at timestamptz not null default now(),
      unique (tenant_id, ksef_number)
    )`,
    `create table hub.incoming_sync (
      tenant_id text not null references hub.tenants (id),
      subject_type text not null,
      high_water_mark timestamptz,
      last_run_at timestamptz,
      primary key (tenant_id, subject_type)
    )`,
    `create table hub.audit_log (
      id bigserial primary key,
      at timestamptz not null default now(),
      tenant_id text,
      invoice_id uuid,
      kind text not null,
      from_state text,
      to_state text,
      actor text not null,
      details jsonb not null default '{}'
    )`,
    `create index audit_log_by_invoice on hub.audit_log (invoice_id, id) where invoice_id is not null`,
    `create index audit_log_by_tenant on hub.audit_log (tenant_id, id)`,
    `create or replace function hub.audit_log_is_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'the audit log is append-only' using errcode = 'insufficient_privilege';
    end $$`,
    `create trigger audit_log_append_only before update or delete on hub.audit_log
      for each row execute function hub.audit_log_is_append_only()`,
    `create table hub.rate_limits (
      key text primary key,
      stamps bigint[] not null default '{}',
      blocked_until bigint not null default 0
    )`,
    `create table hub.breakers (
      scope text primary key,
      state text not null check (state in ('closed', 'open', 'half-open')),
      failures integer not null default 0,
      cooldown_ms integer not null default 0,
      opened_at timestamptz,
      retry_at timestamptz,
      updated_at timestamptz not null default now()
    )`,
    `create table hub.events (
      id uuid primary key,
      tenant_id text not null references hub.tenants (id),
      type text not null,
      invoice_id uuid,
      data jsonb not null,
      created_at timestamptz not null default now()
    )`,
    `create index events_by_tenant on hub.events (tenant_id, created_at desc)`,
    `create table hub.reconciliation_reports (
      id uuid primary key,
      tenant_id text not null references hub.tenants (id),
      created_at timestamptz not null default now(),
      range_from timestamptz not null,
      range_to timestamptz not null,
      summary jsonb not null,
      findings jsonb not null
    )`,
    `create index reconciliation_reports_by_tenant on hub.reconciliation_reports (tenant_id, created_at desc)`,
    ...transitionTriggerSql()
      .split(/;\s*\n(?=create|drop)/)
      .map((statement) => statement.trim())
      .filter(Boolean),
  ],
}
