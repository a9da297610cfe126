/**
 * Sending a backlog in one batch session: the session reference is recorded the moment KSeF opens it, so that
 * a crash during upload or close is reconciled against that session rather than resent.
 *
 * @module
 */
import { isKsefError, type KsefError } from '@ksef-hub/ksef-client'
import type { TenantClient } from '../../ksef/clients.ts'
import type { WorkerEnv } from '../env.ts'
import type { Claim } from './claim.ts'
import { markAmbiguous, markNotSent, markSending, markSent, recordBatchSession, type SendOutcome } from './marks.ts'

const CLOSE_RETRY_DELAYS_MS = [500, 2_000, 5_000]

/** Closes a batch session again after a transient failure; the last error when every try failed. */
async function closeAgain(tc: TenantClient, sessionRef: string): Promise<true | KsefError> {
  let last: KsefError | undefined
  for (const delay of CLOSE_RETRY_DELAYS_MS) {
    await new Promise((resolve) => setTimeout(resolve, delay))
    try {
      await tc.client.closeBatchSession(sessionRef)
      return true
    } catch (error) {
      if (!isKsefError(error) || error.errorClass !== 'transient')
        return isKsefError(error) ? error : Promise.reject(error)
      last = error
    }
  }
  return last as KsefError
}

async function sendOneBatch(env: WorkerEnv, tc: TenantClient, claims: readonly Claim[], offlineMode: boolean) {
  const outcomes = new Map<string, SendOutcome>()
  const moved = await markSending(env, claims, { ref: null, kind: 'batch' })
  const sending = claims.filter((claim) => moved.includes(claim.id))
  for (const claim of claims) if (!moved.includes(claim.id)) outcomes.set(claim.id, 'sent')
  if (sending.length === 0) return outcomes
  const ids = sending.map((claim) => claim.id)
  let sessionRef: string | undefined
  try {
    const submission = await tc.client.sendBatch(
      sending.map((claim) => ({ fileName: `${claim.id}.xml`, bytes: claim.xml })),
      {
        offlineMode,
        onOpened: async (reference) => {
          sessionRef = reference
          await recordBatchSession(env, tc.tenant.id, ids, reference)
        },
      },
    )
    await markSent(env, tc.tenant.id, ids, { ref: submission.referenceNumber, kind: 'batch' })
    await env.breaker.success(tc.scope)
    for (const id of ids) outcomes.set(id, 'sent')
  } catch (error) {
    if (!isKsefError(error)) throw error
    let failure: KsefError = error
    sessionRef ??= failure.referenceNumber
    if (sessionRef && failure.operation === 'closeBatchSession' && failure.errorClass === 'transient') {
      // Every part is up; KSeF keeps the session open after a failed close, so closing again is safe.
      const closed = await closeAgain(tc, sessionRef)
      if (closed === true) {
        await markSent(env, tc.tenant.id, ids, { ref: sessionRef, kind: 'batch' })
        await env.breaker.success(tc.scope)
        for (const id of ids) outcomes.set(id, 'sent')
        return outcomes
      }
      failure = closed
    }
    if (sessionRef) {
      // The session exists: what KSeF will make of it is found by polling it, never by sending the batch again.
      await markAmbiguous(env, tc.tenant.id, ids, failure)
      for (const id of ids) outcomes.set(id, 'ambiguous')
    } else {
      await markNotSent(env, ids, failure)
      for (const id of ids) outcomes.set(id, 'retry')
    }
    if (failure.errorClass === 'transient' || failure.errorClass === 'ambiguous') await env.breaker.failure(tc.scope)
    env.context.logger.warn(
      { tenantId: tc.tenant.id, session: sessionRef, error: failure.toJSON() },
      'batch send failed',
    )
  }
  return outcomes
}

/**
 * Sends invoices by batch session (offline-mode invoices in their own batch, as the flag is per session).
 *
 * @example
 * ```ts
 * const outcomes = await sendByBatch(env, tenantClient, claims)
 * ```
 */
export async function sendByBatch(
  env: WorkerEnv,
  tc: TenantClient,
  claims: readonly Claim[],
): Promise<Map<string, SendOutcome>> {
  const outcomes = new Map<string, SendOutcome>()
  for (const offline of [false, true]) {
    const group = claims.filter((claim) => claim.offline === offline)
    if (group.length === 0) continue
    for (const [id, outcome] of await sendOneBatch(env, tc, group, offline)) outcomes.set(id, outcome)
  }
  return outcomes
}
