/**
 * Context limits of sessions (`GET /limits/context`), overridable on TEST with `/testdata/limits/context/session`.
 *
 * @module
 */
import type { Simulator } from '../context.ts'
import { TestDataStore } from '../store/testdata-store.ts'

/** Limits of one session type. */
export interface SessionTypeLimits {
  maxInvoiceSizeInMB: number
  maxInvoiceWithAttachmentSizeInMB: number
  maxInvoices: number
}

/** `EffectiveContextLimits`. */
export interface ContextLimits {
  onlineSession: SessionTypeLimits
  batchSession: SessionTypeLimits
}

/** KSeF's defaults. */
export const DEFAULT_CONTEXT_LIMITS: ContextLimits = {
  onlineSession: { maxInvoiceSizeInMB: 1, maxInvoiceWithAttachmentSizeInMB: 3, maxInvoices: 10_000 },
  batchSession: { maxInvoiceSizeInMB: 1, maxInvoiceWithAttachmentSizeInMB: 3, maxInvoices: 10_000 },
}

/** The settings key of the override. */
export const SESSION_LIMITS_SETTING = 'session-limits'

/**
 * The limits in force for a context.
 *
 * @example
 * ```ts
 * contextLimits(sim, 'Nip:5265877635').onlineSession.maxInvoices // 10000
 * ```
 */
export function contextLimits(sim: Simulator, context: string): ContextLimits {
  return new TestDataStore(sim.db).setting<ContextLimits>(context, SESSION_LIMITS_SETTING) ?? DEFAULT_CONTEXT_LIMITS
}
