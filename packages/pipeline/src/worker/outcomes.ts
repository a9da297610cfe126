/**
 * What KSeF decided about an invoice, applied to the invoice: accepted (numbered), a duplicate of the same
 * document (adopted: KSeF already has it), a duplicate of another document (rejected), rejected, or cancelled
 * by KSeF and to be sent again.
 *
 * @module
 */
import { invoiceOutcome, type KsefClient, type SessionInvoiceStatus, type Upo } from '@ksef-hub/ksef-client'
import type { Transaction } from 'kysely'
import type { Database } from '../db/schema.ts'
import { emitEvents } from '../events/events.ts'
import { ksefReason } from '../invoices/reasons.ts'
import type { InvoiceState } from '../invoices/states.ts'
import { transition } from '../invoices/transition.ts'
import { inTransaction } from '../queue/boss.ts'
import { QUEUES } from '../queue/queues.ts'
import type { WorkerEnv } from './env.ts'
import { storeUpo } from './upo-store.ts'

/** The invoice facts an outcome needs. */
export interface OutcomeTarget {
  readonly id: string
  readonly tenant_id: string
  readonly state: string
  readonly invoice_hash: string | null
  readonly invoice_number: string
}

/** What became of the invoice. */
export type AppliedOutcome = 'accepted' | 'confirmed' | 'rejected' | 'requeued' | 'pending' | 'skipped'

const IN_FLIGHT: InvoiceState[] = ['sending', 'sent', 'ambiguous']

const date = (value: string | null | undefined) => (value ? new Date(value) : null)

async function requeue(
  trx: Transaction<Database>,
  env: WorkerEnv,
  target: OutcomeTarget,
  why: Record<string, unknown>,
) {
  const moved = await transition(trx, {
    invoiceIds: [target.id],
    from: IN_FLIGHT,
    to: 'queued',
    actor: 'worker',
    details: why,
  })
  if (moved.length) {
    await env.context.boss.send(
      QUEUES.submit,
      { invoiceId: target.id, tenantId: target.tenant_id },
      { ...inTransaction(trx), group: { id: target.tenant_id } },
    )
  }
  return moved.length ? 'requeued' : 'skipped'
}

/**
 * Rejects invoices with a reason in Polish and English and tells the tenant.
 *
 * @example
 * ```ts
 * await rejectInvoice(trx, env, target, ['sent'], 450, ksefReason(450), { details })
 * ```
 */
export async function rejectInvoice(
  trx: Transaction<Database>,
  env: WorkerEnv,
  target: Pick<OutcomeTarget, 'id' | 'tenant_id' | 'invoice_number'>,
  from: readonly InvoiceState[],
  code: number | null,
  reason: { pl: string; en: string },
  details: Record<string, unknown>,
): Promise<boolean> {
  const moved = await transition(trx, {
    invoiceIds: [target.id],
    from,
    to: 'rejected',
    patch: {
      rejection_code: code,
      rejection_reason_en: reason.en,
      rejection_reason_pl: reason.pl,
      rejection_details: JSON.stringify(details),
    },
    actor: 'worker',
    details: { code, reason: reason.en },
  })
  if (moved.length) {
    await emitEvents(trx, env.context.boss, [
      {
        tenantId: target.tenant_id,
        type: 'invoice.rejected',
        invoiceId: target.id,
        data: { invoiceId: target.id, number: target.invoice_number, code, reason, details },
      },
    ])
  }
  return moved.length > 0
}

/**
 * Records that KSeF numbered the invoice and queues its UPO download (or stores the UPO at once when it is
 * already at hand, as for an adopted duplicate).
 */
async function accept(
  trx: Transaction<Database>,
  env: WorkerEnv,
  target: OutcomeTarget,
  status: SessionInvoiceStatus,
  ksefNumber: string,
  sessionRef: string,
  upo: Upo | undefined,
): Promise<AppliedOutcome> {
  const moved = await transition(trx, {
    invoiceIds: [target.id],
    from: IN_FLIGHT,
    to: 'accepted',
    patch: {
      ksef_number: ksefNumber,
      ksef_session_ref: sessionRef,
      ksef_invoice_ref: status.referenceNumber,
      acquisition_date: date(status.acquisitionDate),
      permanent_storage_date: date(status.permanentStorageDate),
      upo_download_url: status.upoDownloadUrl ?? null,
      accepted_at: env.context.now(),
    },
    actor: 'worker',
    details: { ksefNumber, sessionRef },
  })
  if (!moved.length) return 'skipped'
  if (upo) {
    await storeUpo(
      trx,
      env,
      { id: target.id, tenant_id: target.tenant_id, ksef_number: ksefNumber, invoice_number: target.invoice_number },
      upo,
    )
    return 'confirmed'
  }
  await env.context.boss.send(
    QUEUES.upo,
    { invoiceId: target.id, tenantId: target.tenant_id },
    { ...inTransaction(trx), group: { id: target.tenant_id } },
  )
  return 'accepted'
}

// Acceptances applied per transaction: each commit waits for a disk flush, and a listing settles up to 1,000.
const ACCEPT_CHUNK = 250

/**
 * Applies KSeF's statuses of many invoices of one session, as {@link applyInvoiceStatus} does one by one, but
 * the plain acceptances (the common case) together: a few hundred per transaction rather than one each.
 *
 * @returns what became of each invoice, by id
 * @example
 * ```ts
 * const applied = await applyInvoiceStatuses(env, client, [{ target, status }], sessionRef)
 * ```
 */
export async function applyInvoiceStatuses(
  env: WorkerEnv,
  client: KsefClient,
  items: readonly { target: OutcomeTarget; status: SessionInvoiceStatus }[],
  sessionRef: string,
): Promise<Map<string, AppliedOutcome>> {
  const applied = new Map<string, AppliedOutcome>()
  const accepted: { target: OutcomeTarget; status: SessionInvoiceStatus; ksefNumber: string }[] = []
  for (const { target, status } of items) {
    const outcome = invoiceOutcome(status)
    if (outcome.kind === 'accepted') accepted.push({ target, status, ksefNumber: outcome.ksefNumber })
    else applied.set(target.id, await applyInvoiceStatus(env, client, target, status, sessionRef))
  }
  for (let start = 0; start < accepted.length; start += ACCEPT_CHUNK) {
    const chunk = accepted.slice(start, start + ACCEPT_CHUNK)
    await env.context.db.transaction().execute(async (trx) => {
      for (const { target, status, ksefNumber } of chunk) {
        applied.set(target.id, await accept(trx, env, target, status, ksefNumber, sessionRef, undefined))
      }
    })
  }
  return applied
}

/**
 * Applies KSeF's status of one invoice. Duplicates are checked against the original's UPO: the same document
 * (same hash) is adopted, another document with the same number is a rejection.
 *
 * @example
 * ```ts
 * const applied = await applyInvoiceStatus(env, client, target, status, sessionRef)
 * ```
 */
export async function applyInvoiceStatus(
  env: WorkerEnv,
  client: KsefClient,
  target: OutcomeTarget,
  status: SessionInvoiceStatus,
  sessionRef: string,
): Promise<AppliedOutcome> {
  const outcome = invoiceOutcome(status)
  if (outcome.kind === 'pending') return 'pending'
  if (outcome.kind === 'accepted') {
    return env.context.db
      .transaction()
      .execute((trx) => accept(trx, env, target, status, outcome.ksefNumber, sessionRef, undefined))
  }
  if (outcome.kind === 'duplicate') {
    const { originalKsefNumber, originalSessionReferenceNumber } = outcome
    let upo: Upo | undefined
    if (originalKsefNumber && originalSessionReferenceNumber) {
      upo = await client.downloadInvoiceUpo(originalSessionReferenceNumber, { ksefNumber: originalKsefNumber })
    }
    const document = upo?.parsed?.documents.find((candidate) => candidate.ksefNumber === originalKsefNumber)
    const same = document?.documentHash !== undefined && document.documentHash === target.invoice_hash
    return env.context.db.transaction().execute(async (trx) => {
      if (same && originalKsefNumber && originalSessionReferenceNumber) {
        // KSeF already holds this very document (an earlier send whose answer was lost): it is adopted, not resent.
        return accept(trx, env, target, status, originalKsefNumber, originalSessionReferenceNumber, upo)
      }
      const rejected = await rejectInvoice(trx, env, target, IN_FLIGHT, 440, ksefReason(440), {
        originalKsefNumber: originalKsefNumber ?? null,
        originalSessionReferenceNumber: originalSessionReferenceNumber ?? null,
        description: status.status.description,
      })
      return rejected ? 'rejected' : 'skipped'
    })
  }
  const error = outcome.error
  return env.context.db.transaction().execute(async (trx) => {
    if (error.errorClass === 'transient') {
      // Cancelled by KSeF (550, 405): nothing was registered; the invoice goes back in line.
      return requeue(trx, env, target, { code: status.status.code, description: status.status.description })
    }
    const rejected = await rejectInvoice(
      trx,
      env,
      target,
      IN_FLIGHT,
      status.status.code,
      ksefReason(status.status.code),
      {
        description: status.status.description,
        details: status.status.details ?? [],
      },
    )
    return rejected ? 'rejected' : 'skipped'
  })
}

export { requeue }
