/**
 * Sending a trickle of invoices one by one into the tenant's online session.
 *
 * @module
 */
import { isKsefError, type KsefError } from '@ksef-hub/ksef-client'
import type { TenantClient } from '../../ksef/clients.ts'
import type { WorkerEnv } from '../env.ts'
import type { Claim } from './claim.ts'
import { markAmbiguous, markNotSent, markRefused, markSending, markSent, type SendOutcome } from './marks.ts'

// KSeF's codes for "this session no longer takes invoices": open a new one and send again.
const SESSION_GONE = new Set(['21173', '21180', '21155'])

function asKsefError(error: unknown): KsefError {
  if (isKsefError(error)) return error
  throw error
}

/** Sends one invoice; `session gone` when its session no longer takes invoices (retired; safe to send again). */
async function sendOne(
  env: WorkerEnv,
  tc: TenantClient,
  claim: Claim,
): Promise<{ outcome: SendOutcome; stop: boolean } | 'session gone'> {
  let session: Awaited<ReturnType<typeof env.sessions.acquire>>
  try {
    session = await env.sessions.acquire(tc)
  } catch (error) {
    const failure = asKsefError(error)
    env.context.logger.warn({ tenantId: tc.tenant.id, error: failure.toJSON() }, 'could not open an online session')
    if (failure.errorClass === 'transient' || failure.errorClass === 'ambiguous') await env.breaker.failure(tc.scope)
    return { outcome: 'retry', stop: true }
  }
  const moved = await markSending(env, [claim], { ref: session.referenceNumber, kind: 'online' })
  if (!moved.length) return { outcome: 'sent', stop: false }
  try {
    const sent = await session.sendInvoice(claim.xml, { offlineMode: claim.offline })
    await markSent(
      env,
      tc.tenant.id,
      [claim.id],
      { ref: session.referenceNumber, kind: 'online' },
      new Map([[claim.id, sent.referenceNumber]]),
    )
    await env.sessions.used(session.referenceNumber)
    await env.breaker.success(tc.scope)
    return { outcome: 'sent', stop: false }
  } catch (error) {
    const failure = asKsefError(error)
    if (failure.errorClass === 'ambiguous') {
      await markAmbiguous(env, tc.tenant.id, [claim.id], failure)
      await env.breaker.failure(tc.scope)
      return { outcome: 'ambiguous', stop: true }
    }
    if (failure.errorClass === 'permanent' && !SESSION_GONE.has(failure.code)) {
      await markRefused(env, [claim], failure)
      return { outcome: 'rejected', stop: false }
    }
    // Certainly not registered (KSeF answered with an error, or the request never left): safe to send again.
    await markNotSent(env, [claim.id], failure)
    if (SESSION_GONE.has(failure.code)) {
      await env.sessions.retire(tc.tenant.id, session.referenceNumber)
      return 'session gone'
    }
    if (failure.errorClass === 'transient') await env.breaker.failure(tc.scope)
    return { outcome: 'retry', stop: true }
  }
}

/**
 * Sends invoices online, in order; stops at the first failure that is not the invoice's own (KSeF down, a
 * transient error, the breaker opening) and leaves the rest for a retry.
 *
 * @returns the outcome per invoice id
 * @example
 * ```ts
 * const outcomes = await sendOnline(env, tenantClient, claims)
 * ```
 */
export async function sendOnline(
  env: WorkerEnv,
  tc: TenantClient,
  claims: readonly Claim[],
): Promise<Map<string, SendOutcome>> {
  const outcomes = new Map<string, SendOutcome>()
  let stop = false
  for (const claim of claims) {
    if (stop) {
      outcomes.set(claim.id, 'retry')
      continue
    }
    // A session closed behind this worker's back (another worker's idle chore, KSeF) is replaced and the same
    // invoice sent again at once, so it keeps its place in line.
    for (let attempt = 1; ; attempt++) {
      const result = await sendOne(env, tc, claim)
      if (result === 'session gone' && attempt < 2) continue
      const { outcome, stop: halt } = result === 'session gone' ? { outcome: 'retry' as const, stop: true } : result
      outcomes.set(claim.id, outcome)
      stop = halt
      break
    }
  }
  return outcomes
}
