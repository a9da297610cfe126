/**
 * The state changes around a send, each committed with the job that acts next: `sending` (with the attempt and
 * the session it goes to) before the request leaves, then `sent`, `ambiguous`, back to the queue, or rejected.
 *
 * @module
 */
import type { KsefError } from '@ksef-hub/ksef-client'
import { sql, type Transaction } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { transition } from '../../invoices/transition.ts'
import { inTransaction } from '../../queue/boss.ts'
import { QUEUES } from '../../queue/queues.ts'
import type { SessionJob, WorkerEnv } from '../env.ts'
import { rejectInvoice } from '../outcomes.ts'
import type { Claim } from './claim.ts'

/** What happened to one invoice's send. */
export type SendOutcome = 'sent' | 'ambiguous' | 'rejected' | 'retry' | 'deferred'

const tx = <T>(env: WorkerEnv, work: (trx: Transaction<Database>) => Promise<T>) =>
  env.context.db.transaction().execute(work)

/**
 * Moves claimed invoices to `sending` and records an attempt each, before any request leaves.
 *
 * @returns the ids that moved (others changed state meanwhile)
 */
export async function markSending(
  env: WorkerEnv,
  claims: readonly Claim[],
  session: { ref: string | null; kind: 'online' | 'batch' },
): Promise<string[]> {
  if (claims.length === 0) return []
  return tx(env, async (trx) => {
    const moved = await transition(trx, {
      invoiceIds: claims.map((claim) => claim.id),
      from: ['queued', 'offline'],
      to: 'sending',
      patch: {
        ksef_session_ref: session.ref,
        session_kind: session.kind,
        send_attempts: sql`send_attempts + 1` as never,
      },
      actor: 'worker',
      details: { session: session.ref, kind: session.kind },
    })
    if (moved.length) {
      await trx
        .insertInto('attempts')
        .values(
          claims
            .filter((claim) => moved.includes(claim.id))
            .map((claim) => ({
              invoice_id: claim.id,
              tenant_id: claim.tenantId,
              kind: 'send',
              session_ref: session.ref,
            })),
        )
        .execute()
    }
    return moved
  })
}

/** Records the session a batch went to, as soon as KSeF opened it (so a crash can be reconciled). */
export async function recordBatchSession(
  env: WorkerEnv,
  tenantId: string,
  ids: readonly string[],
  sessionRef: string,
): Promise<void> {
  await tx(env, async (trx) => {
    await trx
      .insertInto('ksef_sessions')
      .values({
        reference_number: sessionRef,
        tenant_id: tenantId,
        kind: 'batch',
        status: 'open',
        valid_until: null,
        key_material: null,
        closed_at: null,
        processed_at: null,
      })
      .onConflict((conflict) => conflict.column('reference_number').doNothing())
      .execute()
    await trx
      .updateTable('invoices')
      .set({ ksef_session_ref: sessionRef })
      .where('id', 'in', ids)
      .where('state', '=', 'sending')
      .execute()
    await trx
      .updateTable('attempts')
      .set({ session_ref: sessionRef })
      .where('invoice_id', 'in', ids)
      .where('kind', '=', 'send')
      .where('finished_at', 'is', null)
      .execute()
  })
}

async function finishAttempts(
  trx: Transaction<Database>,
  ids: readonly string[],
  outcome: string,
  error?: KsefError,
): Promise<void> {
  if (ids.length === 0) return
  await trx
    .updateTable('attempts')
    .set({
      finished_at: new Date(),
      outcome,
      error_class: error?.errorClass ?? null,
      error_code: error?.code ?? null,
      message: error ? error.message.slice(0, 1000) : null,
    })
    .where('invoice_id', 'in', ids)
    .where('kind', '=', 'send')
    .where('finished_at', 'is', null)
    .execute()
}

/**
 * Records that KSeF accepted invoices for processing, and makes sure the session is polled.
 *
 * @param invoiceRefs invoice reference numbers per invoice id (online); batch references come with the results
 */
export async function markSent(
  env: WorkerEnv,
  tenantId: string,
  ids: readonly string[],
  session: { ref: string; kind: 'online' | 'batch' },
  invoiceRefs: ReadonlyMap<string, string> = new Map(),
): Promise<void> {
  await tx(env, async (trx) => {
    for (const id of ids) {
      await transition(trx, {
        invoiceIds: [id],
        from: ['sending'],
        to: 'sent',
        patch: {
          ksef_session_ref: session.ref,
          ksef_invoice_ref: invoiceRefs.get(id) ?? null,
          sent_at: env.context.now(),
        },
        actor: 'worker',
        details: { session: session.ref, ...(invoiceRefs.get(id) ? { invoiceRef: invoiceRefs.get(id) } : {}) },
      })
    }
    await finishAttempts(trx, ids, 'sent')
    const job: SessionJob = { tenantId, sessionRef: session.ref, kind: session.kind }
    await env.context.boss.send(QUEUES.pollSession, job, {
      ...inTransaction(trx),
      singletonKey: session.ref,
      startAfter: new Date(Date.now() + env.tuning.pollFirstMs),
      group: { id: tenantId },
    })
  })
}

/** Records an ambiguous send and schedules its reconciliation after the grace period. */
export async function markAmbiguous(
  env: WorkerEnv,
  tenantId: string,
  ids: readonly string[],
  error: KsefError,
): Promise<void> {
  await tx(env, async (trx) => {
    const moved = await transition(trx, {
      invoiceIds: ids,
      from: ['sending'],
      to: 'ambiguous',
      actor: 'worker',
      details: { errorClass: error.errorClass, code: error.code },
    })
    await finishAttempts(trx, ids, 'ambiguous', error)
    for (const id of moved) {
      await env.context.boss.send(
        QUEUES.reconcileInvoice,
        { invoiceId: id, tenantId },
        {
          ...inTransaction(trx),
          startAfter: new Date(Date.now() + env.tuning.reconcileGraceMs),
          group: { id: tenantId },
        },
      )
    }
  })
}

/** Puts invoices whose request certainly did not reach KSeF back in the queue (their job retries). */
export async function markNotSent(env: WorkerEnv, ids: readonly string[], error: KsefError): Promise<void> {
  await tx(env, async (trx) => {
    await transition(trx, {
      invoiceIds: ids,
      from: ['sending'],
      to: 'queued',
      actor: 'worker',
      details: { errorClass: error.errorClass, code: error.code },
    })
    await finishAttempts(trx, ids, 'not sent', error)
  })
}

/** Rejects invoices KSeF refused at the door (a permanent error on the send itself). */
export async function markRefused(env: WorkerEnv, claims: readonly Claim[], error: KsefError): Promise<void> {
  await tx(env, async (trx) => {
    for (const claim of claims) {
      await rejectInvoice(
        trx,
        env,
        { id: claim.id, tenant_id: claim.tenantId, invoice_number: claim.number },
        ['sending'],
        error.ksefCode ?? null,
        { pl: `KSeF odrzucił wysyłkę: ${error.message}`, en: `KSeF refused the send: ${error.message}` },
        { code: error.code, details: error.details },
      )
    }
    await finishAttempts(
      trx,
      claims.map((claim) => claim.id),
      'refused',
      error,
    )
  })
}
