/**
 * Finding a session of the caller's context (another context's session does not exist for the caller: 21173).
 *
 * @module
 */
import type { AccessClaims } from '../auth/jwt.ts'
import type { Simulator } from '../context.ts'
import { ApiError } from '../errors/index.ts'
import { BATCH_SESSION_STATUS, ONLINE_SESSION_STATUS } from '../processing/statuses.ts'
import { type SessionRecord, SessionStore } from '../store/session-store.ts'

/**
 * The session, or 21173.
 *
 * @example
 * ```ts
 * const session = sessionOf(sim, c.var.access, c.req.param('referenceNumber'), 'Online')
 * ```
 */
export function sessionOf(
  sim: Simulator,
  access: AccessClaims,
  referenceNumber: string,
  type?: SessionRecord['type'],
): SessionRecord {
  const session = new SessionStore(sim.db).get(referenceNumber)
  if (
    !session ||
    session.context.type !== access.ctx.type ||
    session.context.value !== access.ctx.value ||
    (type && session.type !== type)
  ) {
    throw ApiError.badRequest(21173, `Sesja o numerze referencyjnym ${referenceNumber} nie została znaleziona.`)
  }
  return expireIfDue(sim, session)
}

/**
 * Ends a session whose time ran out: an online session past `validUntil` (12 h) is closed and completed; a
 * batch session not closed within its upload window is cancelled (440). Done when the session is next looked at.
 *
 * @example
 * ```ts
 * const current = expireIfDue(sim, session)
 * ```
 */
export function expireIfDue(sim: Simulator, session: SessionRecord): SessionRecord {
  const now = sim.clock.now().toISOString()
  const store = new SessionStore(sim.db)
  if (session.type === 'Online' && session.status.code === 100 && session.validUntil && session.validUntil < now) {
    store.save({ ...session, status: ONLINE_SESSION_STATUS.closed, dateClosed: now, dateUpdated: now })
    sim.processor.completeOnlineSession(session.referenceNumber)
    return store.get(session.referenceNumber) ?? session
  }
  if (
    session.type === 'Batch' &&
    session.status.code === 100 &&
    session.uploadDeadline &&
    session.uploadDeadline < now
  ) {
    const cancelled = { ...session, status: BATCH_SESSION_STATUS.uploadTimeout, dateUpdated: now, dateClosed: now }
    store.save(cancelled)
    store.dropParts(session.referenceNumber)
    return cancelled
  }
  return session
}

/**
 * The context key used for per-context settings and rate limits.
 *
 * @example
 * ```ts
 * contextKey({ type: 'Nip', value: '5265877635' }) // 'Nip:5265877635'
 * ```
 */
export function contextKey(context: { type: string; value: string }): string {
  return `${context.type}:${context.value}`
}

/**
 * Accepts the only form code the simulator validates, FA(3); anything else is a 21405.
 *
 * @example
 * ```ts
 * checkFormCode({ systemCode: 'FA (3)', schemaVersion: '1-0E', value: 'FA' })
 * ```
 */
export function checkFormCode(formCode: { systemCode: string; schemaVersion: string; value: string }): void {
  if (formCode.systemCode !== 'FA (3)' || formCode.schemaVersion !== '1-0E' || formCode.value !== 'FA') {
    throw ApiError.badRequest(
      21405,
      `Wskazany kod formularza nie jest wspierany: ${formCode.systemCode} ${formCode.schemaVersion} ${formCode.value} (symulator obsługuje FA (3) 1-0E FA).`,
    )
  }
}

/** Permissions that may send invoices. */
export const SEND_PERMISSIONS = ['InvoiceWrite', 'PefInvoiceWrite', 'EnforcementOperations'] as const
/** Permissions that may read session statuses. */
export const STATUS_PERMISSIONS = ['InvoiceWrite', 'Introspection', 'PefInvoiceWrite', 'EnforcementOperations'] as const
