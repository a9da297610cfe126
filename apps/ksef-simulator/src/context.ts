/**
 * What every route of the simulator works with: options, clock, store, keys, faults, limits and the invoice
 * processor. One instance per running simulator.
 *
 * @module
 */
import type { Clock } from './core/clock.ts'
import type { FaultRegistry } from './faults/registry.ts'
import type { RateLimiter } from './limits/rate-limiter.ts'
import type { InvoiceProcessor } from './processing/processor.ts'
import type { KeyRing } from './security/key-ring.ts'
import type { Database } from './store/database.ts'

/** Options after defaults. */
export interface ResolvedOptions {
  readonly strict: boolean
  readonly rateLimits: 'prd' | 'relaxed'
  readonly processingDelayMs: number
  /** How long a batch session stays at 150 after its last invoice's outcome. */
  readonly sessionCompletionDelayMs: number
  /** Check NIP checksums of the parties as PRD does (TE does not). */
  readonly nipChecksums: boolean
  readonly accessTokenTtlSeconds: number
  /** Largest part of an export package, before encryption (KSeF: 50 MB). */
  readonly exportPartBytes: number
  /** Records reachable per metadata filter set / export package (KSeF: 10,000). */
  readonly queryRecordLimit: number
}

/** The state of one running simulator. */
export interface Simulator {
  readonly options: ResolvedOptions
  readonly clock: Clock
  readonly db: Database
  readonly keys: KeyRing
  /** HMAC key of JWTs and pre-signed URLs (persisted, so tokens and links survive a restart). */
  readonly secret: string
  readonly faults: FaultRegistry
  readonly rateLimiter: RateLimiter
  readonly processor: InvoiceProcessor
  /** Diagnostics (to stderr unless silenced); never given secrets. */
  readonly log: (message: string) => void
}
