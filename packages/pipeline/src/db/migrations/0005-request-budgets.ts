/**
 * Per-tenant request budgets shared by every gateway process: a token bucket per tenant in the database, from
 * which each process leases a few tokens at a time (one round trip per lease, not per request). The arithmetic is
 * a function so that a lease is one statement, on the server's clock, under the row's lock.
 *
 * @module
 */
import type { Migration } from './migration.ts'

/** Migration 0005: `hub.request_budgets` and `hub.lease_request_tokens`. */
export const requestBudgets: Migration = {
  name: '0005-request-budgets',
  up: [
    `create table hub.request_budgets (
      tenant_id text primary key references hub.tenants(id) on delete cascade,
      tokens double precision not null,
      refreshed_at timestamptz not null
    )`,
    `create function hub.lease_request_tokens(
      p_tenant text, p_rate double precision, p_burst double precision, p_want integer,
      out granted integer, out available double precision
    ) language plpgsql as $$
    declare
      v_now timestamptz := clock_timestamp();
      v_tokens double precision;
      v_at timestamptz;
    begin
      insert into hub.request_budgets (tenant_id, tokens, refreshed_at) values (p_tenant, p_burst, v_now)
        on conflict (tenant_id) do nothing;
      select b.tokens, b.refreshed_at into v_tokens, v_at
        from hub.request_budgets b where b.tenant_id = p_tenant for update;
      v_tokens := least(p_burst, v_tokens + greatest(0, extract(epoch from v_now - v_at)) * p_rate);
      granted := greatest(0, least(p_want, floor(v_tokens)))::integer;
      available := v_tokens - granted;
      update hub.request_budgets set tokens = available, refreshed_at = v_now where tenant_id = p_tenant;
    end $$`,
  ],
}
