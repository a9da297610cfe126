/**
 * What the gateway keeps: tenants' API keys (hashes only), HTTP idempotency keys with their stored responses,
 * webhook subscriptions and their delivery log, and the connectors each tenant has enabled.
 *
 * @module
 */
import type { Migration } from './migration.ts'

/** Migration 0002: the gateway's tables. */
export const gateway: Migration = {
  name: '0002-gateway',
  up: [
    `create table hub.api_keys (
      id text primary key,
      tenant_id text not null references hub.tenants (id) on delete cascade,
      hash text not null unique,
      name text not null default 'default',
      created_at timestamptz not null default now(),
      revoked_at timestamptz,
      last_used_at timestamptz
    )`,
    `create index api_keys_by_tenant on hub.api_keys (tenant_id) where revoked_at is null`,
    `create table hub.idempotency_keys (
      tenant_id text not null references hub.tenants (id) on delete cascade,
      key text not null,
      fingerprint text not null,
      state text not null check (state in ('processing', 'completed')),
      response_status integer,
      response_headers jsonb,
      response_body bytea,
      locked_at timestamptz not null default now(),
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      primary key (tenant_id, key)
    )`,
    `create index idempotency_keys_expiry on hub.idempotency_keys (expires_at)`,
    `create table hub.webhook_subscriptions (
      id uuid primary key,
      tenant_id text not null references hub.tenants (id) on delete cascade,
      url text not null,
      events text[] not null,
      description text,
      created_at timestamptz not null default now(),
      disabled_at timestamptz
    )`,
    `create index webhook_subscriptions_by_tenant on hub.webhook_subscriptions (tenant_id) where disabled_at is null`,
    `create table hub.webhook_deliveries (
      id bigserial primary key,
      tenant_id text not null references hub.tenants (id) on delete cascade,
      event_id uuid not null,
      subscription_id uuid not null references hub.webhook_subscriptions (id) on delete cascade,
      attempt integer not null,
      outcome text not null check (outcome in ('succeeded', 'failed')),
      response_status integer,
      error text,
      duration_ms integer not null,
      at timestamptz not null default now()
    )`,
    // At most one success per event and subscription: a retried job never delivers twice to the same endpoint.
    `create unique index webhook_deliveries_once on hub.webhook_deliveries (event_id, subscription_id)
      where outcome = 'succeeded'`,
    `create index webhook_deliveries_by_tenant on hub.webhook_deliveries (tenant_id, id desc)`,
    `create table hub.tenant_connectors (
      tenant_id text not null references hub.tenants (id) on delete cascade,
      connector text not null,
      enabled boolean not null default true,
      settings jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, connector)
    )`,
  ],
}
