/**
 * Claiming invoices for sending: invoices that arrived without the full checks get them now (failing ones are
 * rejected with the findings); an invoice found half-sent by a crashed attempt is handed to reconciliation,
 * never resent blindly.
 *
 * @module
 */
import { type Invoice, sha256Base64, validateInvoice } from '@ksef-hub/fa3'
import type { Transaction } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { hubValidationReason } from '../../invoices/reasons.ts'
import { transition } from '../../invoices/transition.ts'
import { inTransaction } from '../../queue/boss.ts'
import { QUEUES } from '../../queue/queues.ts'
import type { WorkerEnv } from '../env.ts'
import { rejectInvoice } from '../outcomes.ts'

/** An invoice ready to go to KSeF. */
export interface Claim {
  readonly id: string
  readonly tenantId: string
  readonly number: string
  readonly xml: Uint8Array
  readonly hash: string
  readonly offline: boolean
  readonly state: 'queued' | 'offline'
}

/** What claiming found. */
export interface Claimed {
  readonly ready: Claim[]
  /** Invoices whose job has nothing (more) to do: already sent, rejected now, or handed to reconciliation. */
  readonly done: string[]
  /** Invoices locked by another worker right now: their jobs should be retried later. */
  readonly busy: string[]
}

/** Checks an invoice that arrived without the full checks; returns its XML, or rejects it. */
async function check(
  trx: Transaction<Database>,
  env: WorkerEnv,
  row: { id: string; tenant_id: string; invoice_number: string; model: Record<string, unknown> },
): Promise<Uint8Array | undefined> {
  const report = validateInvoice(row.model as Invoice, { now: env.context.now() })
  if (report.valid && report.bytes) {
    await transition(trx, {
      invoiceIds: [row.id],
      from: ['received'],
      to: 'queued',
      patch: {
        xml: Buffer.from(report.bytes),
        invoice_hash: sha256Base64(report.bytes),
        invoice_size: report.bytes.length,
        warnings: JSON.stringify(report.issues),
      },
      actor: 'worker',
      details: { checked: true },
    })
    return report.bytes
  }
  const first = report.issues.find((issue) => issue.severity === 'error')
  await rejectInvoice(
    trx,
    env,
    row,
    ['received'],
    null,
    hubValidationReason(`${first?.path ?? first?.xmlPath ?? ''} ${first?.message ?? ''}`.trim()),
    {
      issues: report.issues,
    },
  )
  return undefined
}

/**
 * Locks the given invoices of one tenant and sorts them into ready, done and busy.
 *
 * @example
 * ```ts
 * const { ready, done, busy } = await claimInvoices(env, 'acme', ids)
 * ```
 */
export async function claimInvoices(env: WorkerEnv, tenantId: string, ids: readonly string[]): Promise<Claimed> {
  return env.context.db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('invoices')
      .select(['id', 'tenant_id', 'state', 'invoice_number', 'xml', 'invoice_hash', 'offline', 'model'])
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', ids)
      .orderBy('created_at')
      .forUpdate()
      .skipLocked()
      .execute()
    const ready: Claim[] = []
    const done: string[] = []
    for (const row of rows) {
      if (row.state === 'received') {
        const xml = await check(trx, env, row)
        if (!xml) done.push(row.id)
        else
          ready.push({
            id: row.id,
            tenantId,
            number: row.invoice_number,
            xml,
            hash: sha256Base64(xml),
            offline: row.offline,
            state: 'queued',
          })
      } else if ((row.state === 'queued' || row.state === 'offline') && row.xml && row.invoice_hash) {
        ready.push({
          id: row.id,
          tenantId,
          number: row.invoice_number,
          xml: new Uint8Array(row.xml),
          hash: row.invoice_hash,
          offline: row.offline,
          state: row.state,
        })
      } else if (row.state === 'sending') {
        // The previous attempt of this job died mid-send: KSeF may have the invoice. Look before resending.
        await transition(trx, {
          invoiceIds: [row.id],
          from: ['sending'],
          to: 'ambiguous',
          actor: 'worker',
          details: { reason: 'attempt interrupted' },
        })
        await env.context.boss.send(
          QUEUES.reconcileInvoice,
          { invoiceId: row.id, tenantId },
          {
            ...inTransaction(trx),
            startAfter: new Date(Date.now() + env.tuning.reconcileGraceMs),
            group: { id: tenantId },
          },
        )
        done.push(row.id)
      } else {
        done.push(row.id)
      }
    }
    const seen = new Set(rows.map((row) => row.id))
    const missing = ids.filter((id) => !seen.has(id))
    // Not returned: locked by another worker (busy), or gone (nothing to do).
    const locked = missing.length
      ? new Set(
          (await trx.selectFrom('invoices').select('id').where('id', 'in', missing).execute()).map((row) => row.id),
        )
      : new Set<string>()
    return {
      ready,
      done: [...done, ...missing.filter((id) => !locked.has(id))],
      busy: missing.filter((id) => locked.has(id)),
    }
  })
}
