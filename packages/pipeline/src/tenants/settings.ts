/**
 * A tenant's pipeline settings, with defaults.
 *
 * @module
 */
import { z } from 'zod'

/** What a tenant may configure about how its invoices travel. */
export const tenantSettingsSchema = z.strictObject({
  /** Send by batch session when at least this many invoices wait (default 20); fewer go one by one online. */
  batchThreshold: z.number().int().min(1).max(10_000).default(20),
  /** Most invoices in one batch session (default 2,000; KSeF allows 10,000). */
  maxBatchSize: z.number().int().min(1).max(10_000).default(2_000),
  /** While KSeF is down: keep invoices queued, or issue them in offline mode (QR codes I and II) and send later. */
  offlinePolicy: z.enum(['queue', 'offline']).default('queue'),
  /** Alert when an invoice has waited this long without a KSeF number (default 60 minutes). */
  stuckAfterMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
  /** Pull incoming invoices (default true), at most every 15 minutes as KSeF asks. */
  pullIncoming: z.boolean().default(true),
  /** Reconcile with KSeF every this many hours (default 24). */
  reconcileEveryHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 7)
    .default(24),
})

/** A tenant's settings with defaults applied. */
export type TenantSettings = z.output<typeof tenantSettingsSchema>

/**
 * Reads stored settings, applying defaults for anything missing.
 *
 * @example
 * ```ts
 * tenantSettings({}).batchThreshold // 20
 * ```
 */
export function tenantSettings(stored: unknown): TenantSettings {
  return tenantSettingsSchema.parse(stored ?? {})
}
