/**
 * The worker's options from the configuration, so every process that runs a worker tunes it the same way.
 *
 * @module
 */
import type { WorkerTuning } from '../worker/env.ts'
import type { WorkerOptions } from '../worker/worker.ts'
import type { HubConfig } from './config.ts'

/** The client-side limiter's margin on the embedded database (see {@link WorkerTuning.rateLimitMarginMs}). */
export const EMBEDDED_RATE_LIMIT_MARGIN_MS = 400

/**
 * The {@link WorkerOptions} a configuration asks for (connectors are the caller's to add).
 *
 * @example
 * ```ts
 * const worker = await startWorker(context, { ...workerOptionsOf(config), connectors })
 * ```
 */
export function workerOptionsOf(config: HubConfig): WorkerOptions {
  const tuning: Partial<Record<keyof WorkerTuning, number>> = {}
  if (config.KSEF_HUB_RECONCILE_GRACE_MS) tuning.reconcileGraceMs = config.KSEF_HUB_RECONCILE_GRACE_MS
  if (config.KSEF_HUB_POLL_FIRST_MS) tuning.pollFirstMs = config.KSEF_HUB_POLL_FIRST_MS
  if (config.KSEF_HUB_POLL_MAX_MS) tuning.pollMaxMs = config.KSEF_HUB_POLL_MAX_MS
  // On the embedded PGlite every query of every part of the hub waits its turn on one connection, so a request
  // can leave well after the limiter took its budget: a wider margin keeps it inside KSeF's window.
  if (!config.DATABASE_URL) tuning.rateLimitMarginMs = EMBEDDED_RATE_LIMIT_MARGIN_MS
  return {
    rateLimits: config.KSEF_HUB_KSEF_RATE_LIMITS,
    webhookPrivateNetworks: config.KSEF_HUB_WEBHOOK_PRIVATE_NETWORKS,
    tuning,
    ...(config.KSEF_HUB_KSEF_TIMEOUT_MS ? { ksefTimeoutMs: config.KSEF_HUB_KSEF_TIMEOUT_MS } : {}),
    ...(config.KSEF_HUB_CONNECTOR_TIMEOUT_MS ? { connectorTimeoutMs: config.KSEF_HUB_CONNECTOR_TIMEOUT_MS } : {}),
    ...(config.KSEF_HUB_PUBLIC_URL ? { publicUrl: config.KSEF_HUB_PUBLIC_URL } : {}),
    ...(config.KSEF_HUB_QUEUE_POLL_SECONDS ? { pollingIntervalSeconds: config.KSEF_HUB_QUEUE_POLL_SECONDS } : {}),
  }
}
