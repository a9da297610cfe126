/**
 * What the worker's job handlers share.
 *
 * @module
 */
import type { ConnectorRegistry } from '../connections/registry.ts'
import type { PipelineContext } from '../context.ts'
import type { CircuitBreaker } from '../ksef/breaker.ts'
import type { KsefClientPool } from '../ksef/clients.ts'
import type { OnlineSessions } from './online-sessions.ts'

/** Tuning of the worker; every value has a production default. */
export interface WorkerTuning {
  /** How long after an ambiguous send the hub looks it up in KSeF (default 45 s, beyond the request timeout). */
  readonly reconcileGraceMs: number
  /** First and longest interval between status polls of a session (defaults 2 s and 60 s). */
  readonly pollFirstMs: number
  readonly pollMaxMs: number
  /** Online sessions idle this long are closed (default 10 min). */
  readonly sessionIdleMs: number
  /** Invoices handed to the submit handler at once (default 2,000: a full batch session, so a backlog needs few). */
  readonly submitBatchSize: number
  /**
   * Submit fetchers per worker (default 2): while one sends a tenant's batch, another serves the other tenants.
   * Two fetching at the same moment may split one tenant's backlog between them (two sessions instead of one).
   */
  readonly submitConcurrency: number
  /**
   * How much wider than KSeF's the client-side limiter's windows are (default 150 ms). KSeF counts a request when
   * it arrives, the limiter when it takes the budget: a request held up between the two (queued behind other
   * queries on the embedded database's single connection) can meet KSeF's window with one too many.
   */
  readonly rateLimitMarginMs: number
}

/** The defaults of {@link WorkerTuning}. */
export const DEFAULT_TUNING: WorkerTuning = {
  reconcileGraceMs: 45_000,
  pollFirstMs: 2_000,
  pollMaxMs: 60_000,
  sessionIdleMs: 10 * 60_000,
  submitBatchSize: 2_000,
  submitConcurrency: 2,
  rateLimitMarginMs: 150,
}

/** The worker's shared parts. */
export interface WorkerEnv {
  readonly context: PipelineContext
  readonly pool: KsefClientPool
  readonly sessions: OnlineSessions
  readonly breaker: CircuitBreaker
  /** The connectors this hub runs, by id. */
  readonly connectors: ConnectorRegistry
  readonly tuning: WorkerTuning
}

/** The data of the jobs the worker handles. */
export interface InvoiceJob {
  readonly invoiceId: string
  readonly tenantId: string
}

/** A fan-out job: the invoices of one bulk intake that still need their submit jobs. */
export interface SubmitManyJob {
  readonly tenantId: string
  readonly invoiceIds: readonly string[]
}

/** A session poll job. */
export interface SessionJob {
  readonly tenantId: string
  readonly sessionRef: string
  readonly kind: 'online' | 'batch'
  /** How many polls in a row saw no progress (drives the backoff). */
  readonly idlePolls?: number
  /** How many of the session's invoices KSeF had finished at the last listing (a poll lists only on change). */
  readonly finished?: number
  /** How many of the hub's invoices in the session were still waiting after that listing. */
  readonly waiting?: number
}
