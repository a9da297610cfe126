/**
 * The append-only audit log: every state change and every KSeF exchange, redacted. The database refuses
 * updates and deletes of its rows.
 *
 * @module
 */
import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../db/schema.ts'
import { redact } from './redact.ts'

/** One audit entry. */
export interface AuditInput {
  readonly tenantId?: string | null
  readonly invoiceId?: string | null
  /** e.g. `invoice.state`, `ksef.request`, `tenant.created`, `secret.rotated`. */
  readonly kind: string
  readonly fromState?: string | null
  readonly toState?: string | null
  /** Who did it: `api:<tenant>`, `worker`, `cli`, `system`. */
  readonly actor: string
  readonly details?: Record<string, unknown>
}

/**
 * Appends audit entries (redacted) in the caller's transaction, so an entry exists exactly when its change does.
 *
 * @example
 * ```ts
 * await appendAudit(trx, { tenantId, invoiceId, kind: 'invoice.state', fromState: 'queued', toState: 'sending', actor: 'worker' })
 * ```
 */
export async function appendAudit(
  db: Kysely<Database> | Transaction<Database>,
  ...entries: AuditInput[]
): Promise<void> {
  if (entries.length === 0) return
  await db
    .insertInto('audit_log')
    .values(
      entries.map((entry) => ({
        tenant_id: entry.tenantId ?? null,
        invoice_id: entry.invoiceId ?? null,
        kind: entry.kind,
        from_state: entry.fromState ?? null,
        to_state: entry.toState ?? null,
        actor: entry.actor,
        details: JSON.stringify(redact(entry.details ?? {})),
      })),
    )
    .execute()
}
