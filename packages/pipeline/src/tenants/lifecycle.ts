/**
 * Ending a tenant. **Disabling** is reversible: the tenant's API keys stop working (within the gateways' few
 * seconds of key cache), connectors, incoming pulls and reconciliations stop; invoices already taken in still go
 * to KSeF and get their UPO (the hub's promise: none lost). **Deleting** is final, and allowed only when no invoice
 * is on its way to KSeF. It erases what gives access and what is secret: every secret of the tenant (KSeF token or
 * certificate, offline certificate, webhook signing secrets, connector credentials), its API keys (revoked), its
 * webhook subscriptions (ended), stored Idempotency-Key answers, its request budget, and the session keys of its
 * KSeF sessions. It keeps what is the record of the tenant's invoicing: the invoices with their exact XML, their
 * UPOs, purchase invoices pulled from KSeF, events, delivery logs, reconciliation reports, and the audit log. A
 * taxpayer must be able to show its invoices and the proof of their issue (the UPO) until the tax limitation
 * period ends (five years from the end of the year the tax fell due, Ordynacja podatkowa art. 70 and the VAT act
 * art. 112), and the audit log is append-only: a database trigger refuses to change or delete any entry. What is
 * kept is removed, when that period has passed, by the operator's retention procedure, not by the API.
 *
 * @module
 */
import { type Kysely, sql } from 'kysely'
import { appendAudit } from '../audit/audit.ts'
import type { Database } from '../db/schema.ts'
import { PipelineError } from '../errors.ts'
import { INVOICE_STATES, type InvoiceState } from '../invoices/states.ts'

/** States from which an invoice still moves on its own (towards KSeF, its number or its UPO). */
const SETTLED: readonly InvoiceState[] = ['confirmed', 'rejected', 'dead']
const IN_FLIGHT = INVOICE_STATES.filter((state) => !SETTLED.includes(state))

/** What deleting a tenant erased and what it kept. */
export interface TenantDeletion {
  readonly tenantId: string
  readonly erased: {
    readonly secrets: number
    readonly apiKeys: number
    readonly webhookSubscriptions: number
    readonly idempotencyKeys: number
  }
  readonly kept: { readonly invoices: number; readonly incomingInvoices: number; readonly auditEntries: number }
}

/** Who ends the tenant (for the audit log), and the clock. */
export interface LifecycleOptions {
  readonly actor: string
  readonly now?: Date
}

async function current(db: Kysely<Database>, tenantId: string) {
  const row = await db
    .selectFrom('tenants')
    .select(['id', 'disabled_at', 'deleted_at'])
    .where('id', '=', tenantId)
    .executeTakeFirst()
  if (!row) throw new PipelineError('NOT_FOUND', `tenant ${tenantId} does not exist`)
  return row
}

/**
 * Disables a tenant (its API keys stop working; what it submitted still goes to KSeF). Disabling a disabled tenant
 * changes nothing.
 *
 * @throws {@link PipelineError} `NOT_FOUND`
 * @example
 * ```ts
 * await disableTenant(db, 'acme', { actor: 'cli' })
 * ```
 */
export async function disableTenant(
  db: Kysely<Database>,
  tenantId: string,
  options: LifecycleOptions,
): Promise<{ changed: boolean }> {
  const tenant = await current(db, tenantId)
  if (tenant.disabled_at !== null) return { changed: false }
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('tenants')
      .set({ disabled_at: options.now ?? new Date() })
      .where('id', '=', tenantId)
      .execute()
    await appendAudit(trx, { tenantId, kind: 'tenant.disabled', actor: options.actor })
  })
  return { changed: true }
}

/**
 * Enables a disabled tenant again.
 *
 * @throws {@link PipelineError} `NOT_FOUND`, or `ILLEGAL_TRANSITION` for a deleted tenant (deletion is final)
 * @example
 * ```ts
 * await enableTenant(db, 'acme', { actor: 'cli' })
 * ```
 */
export async function enableTenant(
  db: Kysely<Database>,
  tenantId: string,
  options: LifecycleOptions,
): Promise<{ changed: boolean }> {
  const tenant = await current(db, tenantId)
  if (tenant.deleted_at !== null) {
    throw new PipelineError('ILLEGAL_TRANSITION', `tenant ${tenantId} was deleted; deletion is final`)
  }
  if (tenant.disabled_at === null) return { changed: false }
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('tenants').set({ disabled_at: null }).where('id', '=', tenantId).execute()
    await appendAudit(trx, { tenantId, kind: 'tenant.enabled', actor: options.actor })
  })
  return { changed: true }
}

/**
 * Deletes a tenant: erases its secrets and access, keeps the record of its invoicing (see the module's
 * description), in one transaction.
 *
 * @throws {@link PipelineError} `NOT_FOUND`; `ILLEGAL_TRANSITION` when it was deleted before, or while any of its
 *   invoices is still on its way to KSeF (with their count: wait until they are confirmed or rejected)
 * @example
 * ```ts
 * const { erased, kept } = await deleteTenant(db, 'acme', { actor: 'cli' })
 * ```
 */
export async function deleteTenant(
  db: Kysely<Database>,
  tenantId: string,
  options: LifecycleOptions,
): Promise<TenantDeletion> {
  return db.transaction().execute(async (trx) => {
    const tenant = await trx
      .selectFrom('tenants')
      .select(['id', 'deleted_at'])
      .where('id', '=', tenantId)
      .forUpdate()
      .executeTakeFirst()
    if (!tenant) throw new PipelineError('NOT_FOUND', `tenant ${tenantId} does not exist`)
    if (tenant.deleted_at !== null) {
      throw new PipelineError('ILLEGAL_TRANSITION', `tenant ${tenantId} was deleted before`)
    }
    const count = async (table: 'invoices' | 'incoming_invoices' | 'audit_log', states?: readonly string[]) => {
      let query = trx
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('tenant_id', '=', tenantId)
      if (states) query = query.where(sql.ref('state'), 'in', states)
      return Number((await query.executeTakeFirstOrThrow()).n)
    }
    const inFlight = await count('invoices', IN_FLIGHT)
    if (inFlight > 0) {
      throw new PipelineError(
        'ILLEGAL_TRANSITION',
        `${inFlight} invoice(s) of tenant ${tenantId} are still on their way to KSeF; delete the tenant once they are confirmed or rejected (disable it meanwhile)`,
        { invoicesInFlight: inFlight },
      )
    }
    const now = options.now ?? new Date()
    await trx
      .updateTable('tenants')
      .set({ disabled_at: sql`coalesce(disabled_at, ${now})`, deleted_at: now, updated_at: now })
      .where('id', '=', tenantId)
      .execute()
    const removed = async (result: Promise<{ numDeletedRows?: bigint; numUpdatedRows?: bigint }>) => {
      const done = await result
      return Number(done.numDeletedRows ?? done.numUpdatedRows ?? 0)
    }
    const erased = {
      secrets: await removed(trx.deleteFrom('secrets').where('tenant_id', '=', tenantId).executeTakeFirst()),
      apiKeys: await removed(
        trx
          .updateTable('api_keys')
          .set({ revoked_at: now })
          .where('tenant_id', '=', tenantId)
          .where((eb) => eb.or([eb('revoked_at', 'is', null), eb('revoked_at', '>', now)]))
          .executeTakeFirst(),
      ),
      webhookSubscriptions: await removed(
        trx
          .updateTable('webhook_subscriptions')
          .set({ disabled_at: now })
          .where('tenant_id', '=', tenantId)
          .where('disabled_at', 'is', null)
          .executeTakeFirst(),
      ),
      idempotencyKeys: await removed(
        trx.deleteFrom('idempotency_keys').where('tenant_id', '=', tenantId).executeTakeFirst(),
      ),
    }
    await trx.deleteFrom('request_budgets').where('tenant_id', '=', tenantId).execute()
    await trx.updateTable('ksef_sessions').set({ key_material: null }).where('tenant_id', '=', tenantId).execute()
    const kept = {
      invoices: await count('invoices'),
      incomingInvoices: await count('incoming_invoices'),
      auditEntries: await count('audit_log'),
    }
    await appendAudit(trx, { tenantId, kind: 'tenant.deleted', actor: options.actor, details: { erased, kept } })
    return { tenantId, erased, kept }
  })
}
