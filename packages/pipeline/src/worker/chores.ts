/**
 * Scheduled chores: closing online sessions on time, and telling tenants about invoices stuck past their
 * expected time.
 *
 * @module
 */
import type { Job } from 'pg-boss'
import { emitEvents } from '../events/events.ts'
import { listTenants } from '../tenants/tenants.ts'
import type { WorkerEnv } from './env.ts'

// States in which an invoice is still on its way; stuck in one of them past the tenant's limit, it is reported.
const ON_THE_WAY = ['received', 'queued', 'sending', 'sent', 'ambiguous', 'accepted', 'offline', 'dead'] as const

/**
 * Closes online sessions that are idle or near their end.
 *
 * @example
 * ```ts
 * await boss.work(QUEUES.closeSessions, closeSessionsHandler(env))
 * ```
 */
export function closeSessionsHandler(env: WorkerEnv): (jobs: Job<object>[]) => Promise<void> {
  return async () => {
    await env.sessions.closeDue((tenantId) => env.pool.forTenant(tenantId), env.tuning.sessionIdleMs)
  }
}

/**
 * Emits `invoice.stuck` once for each invoice that has not moved for longer than its tenant allows (the alert
 * repeats only after the invoice moves and stalls again).
 *
 * @returns how many invoices were reported
 */
export async function reportStuck(env: WorkerEnv): Promise<number> {
  let reported = 0
  const now = env.context.now()
  for (const tenant of await listTenants(env.context.db)) {
    const limit = new Date(now.getTime() - tenant.settings.stuckAfterMinutes * 60_000)
    reported += await env.context.db.transaction().execute(async (trx) => {
      const stuck = await trx
        .updateTable('invoices')
        .set({ stuck_alerted_at: now })
        .where('tenant_id', '=', tenant.id)
        .where('state', 'in', [...ON_THE_WAY])
        .where('updated_at', '<', limit)
        .where('stuck_alerted_at', 'is', null)
        .returning(['id', 'state', 'invoice_number', 'updated_at'])
        .execute()
      await emitEvents(
        trx,
        env.context.boss,
        stuck.map((invoice) => ({
          tenantId: tenant.id,
          type: 'invoice.stuck' as const,
          invoiceId: invoice.id,
          data: {
            invoiceId: invoice.id,
            number: invoice.invoice_number,
            state: invoice.state,
            since: invoice.updated_at.toISOString(),
          },
        })),
      )
      if (stuck.length) env.context.logger.warn({ tenantId: tenant.id, count: stuck.length }, 'invoices stuck')
      return stuck.length
    })
  }
  return reported
}

/**
 * The handler of the stuck-invoice chore.
 *
 * @example
 * ```ts
 * await boss.work(QUEUES.stuck, stuckHandler(env))
 * ```
 */
export function stuckHandler(env: WorkerEnv): (jobs: Job<object>[]) => Promise<void> {
  return async () => {
    await reportStuck(env)
  }
}
