/**
 * The client as one object: configuration in, every KSeF capability out, sharing one HTTP wrapper, one key
 * cache, one login and one limiter.
 *
 * @module
 */
import { AuthManager, type AuthManagerOptions, type AuthState } from './auth/auth-manager.ts'
import type { ContextIdentifier, KsefCredentials } from './auth/credentials.ts'
import type { BatchInvoice } from './batch/batch-package.ts'
import {
  type BatchInvoiceResult,
  type BatchSubmission,
  batchResults,
  closeBatchSession,
  type SendBatchOptions,
  sendBatch,
  waitForBatch,
} from './batch/batch-session.ts'
import type { SessionKey } from './crypto/aes.ts'
import { PublicKeyCache } from './crypto/public-keys.ts'
import { type KsefEnvironment, type KsefEnvironmentInput, resolveEnvironment } from './environments.ts'
import { type CallOptions, KsefHttp, type RetryPolicy } from './http/ksef-http.ts'
import { OPERATIONS } from './http/operations.ts'
import { nodeTransport, type Transport } from './http/transport.ts'
import { type DownloadedInvoice, downloadInvoice } from './incoming/download.ts'
import { type ExportContents, type ExportOptions, exportInvoices } from './incoming/export.ts'
import type { InvoiceQueryFilters } from './incoming/metadata.ts'
import { type MetadataQueryOptions, type MetadataQueryResult, queryInvoiceMetadata } from './incoming/query.ts'
import { type KsefLogger, noopLogger, redactingLogger, SecretRedactor } from './logging/logger.ts'
import { RateLimiter, type RateLimiterOptions } from './rate-limit/limiter.ts'
import type { RateLimitGroup, RateLimitValues } from './rate-limit/table.ts'
import {
  OnlineSession,
  type OpenSessionOptions,
  openOnlineSession,
  type SendInvoiceOptions,
  type SentInvoice,
} from './sessions/online-session.ts'
import { type PollOptions, waitForInvoice } from './sessions/polling.ts'
import { OnlineSessionManager, type SessionManagerOptions } from './sessions/session-manager.ts'
import {
  getInvoiceStatus,
  getSessionStatus,
  type InvoiceOutcome,
  type ListOptions,
  type SessionInvoiceStatus,
  type SessionStatus,
  sessionInvoiceResults,
} from './sessions/status.ts'
import {
  downloadInvoiceUpo,
  downloadSessionUpo,
  downloadUpoFromUrl,
  type InvoiceUpoTarget,
  type SessionUpoPage,
  type Upo,
} from './upo/upo-download.ts'

/** Everything the client is configured with. */
export interface KsefClientOptions {
  /** `test`, `demo`, `prod`, or `{ baseUrl }` (e.g. the simulator). */
  readonly environment: KsefEnvironmentInput
  /** The context the client acts for, e.g. `{ type: 'Nip', value: '5265877635' }`. */
  readonly context: ContextIdentifier
  /** How to log in; omit for public calls only. */
  readonly credentials?: KsefCredentials
  /** A pino-compatible logger; every line is redacted. */
  readonly logger?: KsefLogger
  /** Default time for one HTTP exchange; 30 s. */
  readonly timeoutMs?: number
  readonly retry?: Partial<RetryPolicy>
  /** A limiter to share between clients of one process, or limiter options. */
  readonly rateLimiter?: RateLimiter | RateLimiterOptions
  readonly auth?: AuthManagerOptions
  readonly sessions?: SessionManagerOptions
  /** How long the Ministry's public keys are cached; 1 h. */
  readonly publicKeyMaxAgeMs?: number
  /** For tests: replaces the network. */
  readonly transport?: Transport
  readonly userAgent?: string
}

/**
 * The KSeF API 2.0 client.
 *
 * @example
 * ```ts
 * const client = createKsefClient({
 *   environment: 'test',
 *   context: { type: 'Nip', value: '5265877635' },
 *   credentials: { kind: 'token', token: process.env.KSEF_TOKEN! },
 * })
 * const sent = await client.sendInvoice(bytes)
 * const outcome = await client.waitForInvoice(sent)
 * ```
 */
export class KsefClient {
  readonly environment: KsefEnvironment
  readonly context: ContextIdentifier
  readonly http: KsefHttp
  readonly keys: PublicKeyCache
  readonly limiter: RateLimiter
  readonly sessions: OnlineSessionManager
  readonly #auth: AuthManager | undefined

  constructor(options: KsefClientOptions) {
    this.environment = resolveEnvironment(options.environment)
    this.context = options.context
    const secrets = new SecretRedactor()
    const logger = redactingLogger(options.logger ?? noopLogger, secrets)
    this.limiter =
      options.rateLimiter instanceof RateLimiter ? options.rateLimiter : new RateLimiter(options.rateLimiter)
    this.http = new KsefHttp({
      apiBaseUrl: this.environment.apiBaseUrl,
      transport: options.transport ?? nodeTransport,
      logger,
      secrets,
      limiter: this.limiter,
      contextKey: `${this.environment.apiBaseUrl}|${options.context.type}:${options.context.value}`,
      ipKey: this.environment.apiBaseUrl,
      defaultTimeoutMs: options.timeoutMs ?? 30_000,
      retry: { maxAttempts: 3, baseDelayMs: 500, maxRetryAfterMs: 30_000, ...options.retry },
      userAgent: options.userAgent ?? 'ksef-hub-client/0.1',
    })
    this.keys = new PublicKeyCache(
      this.http,
      options.publicKeyMaxAgeMs === undefined ? {} : { maxAgeMs: options.publicKeyMaxAgeMs },
    )
    this.#auth = options.credentials
      ? new AuthManager(this.http, this.keys, options.context, options.credentials, options.auth)
      : undefined
    if (this.#auth) this.http.useTokens(this.#auth)
    this.sessions = new OnlineSessionManager(this.http, this.keys, options.sessions)
  }

  /** Facts about the current login (no secrets). */
  get authState(): AuthState {
    return this.#auth?.state ?? { loggedIn: false }
  }

  /** Logs in now (otherwise the first call that needs a token does). */
  async login(options: CallOptions = {}): Promise<AuthState> {
    await this.#requireAuth().login(options)
    return this.authState
  }

  /** A valid access token, refreshed or re-obtained as needed. Secret: for callers that talk to KSeF themselves. */
  async accessToken(options: CallOptions = {}): Promise<string> {
    return this.#requireAuth().accessToken(options)
  }

  /** Refreshes the access token now (`POST /auth/token/refresh`); logs in again if the refresh token is gone. */
  async refreshAccessToken(options: CallOptions = {}): Promise<AuthState> {
    await this.#requireAuth().refreshNow(options)
    return this.authState
  }

  /** Revokes this login's refresh token in KSeF and forgets the tokens. */
  async logout(options: CallOptions = {}): Promise<void> {
    await this.#auth?.revoke(options)
  }

  /** Opens a new online session (not shared with {@link sendInvoice}). */
  openOnlineSession(options: OpenSessionOptions = {}): Promise<OnlineSession> {
    return openOnlineSession(this.http, this.keys, options)
  }

  /**
   * An online session opened earlier (possibly by another process), from its reference number, validity and
   * key material (see `OnlineSession.keyMaterial`). No call to KSeF is made.
   */
  resumeOnlineSession(referenceNumber: string, validUntil: Date, key: SessionKey): OnlineSession {
    return new OnlineSession(this.http, referenceNumber, validUntil, key)
  }

  /** Sends an invoice in the shared online session (opened or renewed as needed). */
  sendInvoice(invoiceBytes: Uint8Array, options: SendInvoiceOptions = {}): Promise<SentInvoice> {
    return this.sessions.send(invoiceBytes, options)
  }

  /** Closes the shared online session(s); returns their reference numbers (for session UPOs). */
  closeSessions(options: CallOptions = {}): Promise<string[]> {
    return this.sessions.close(options)
  }

  getSessionStatus(sessionReferenceNumber: string, options: CallOptions = {}): Promise<SessionStatus> {
    return getSessionStatus(this.http, sessionReferenceNumber, options)
  }

  getInvoiceStatus(
    sessionReferenceNumber: string,
    invoiceReferenceNumber: string,
    options: CallOptions = {},
  ): Promise<SessionInvoiceStatus> {
    return getInvoiceStatus(this.http, sessionReferenceNumber, invoiceReferenceNumber, options)
  }

  /** Polls a sent invoice until KSeF decides (accepted, duplicate, failed). */
  waitForInvoice(
    sent: Pick<SentInvoice, 'sessionReferenceNumber' | 'referenceNumber'>,
    options: PollOptions = {},
  ): Promise<InvoiceOutcome> {
    return waitForInvoice(this.http, sent.sessionReferenceNumber, sent.referenceNumber, options)
  }

  /** Every invoice of a session, from both the full and the failed list. */
  sessionInvoiceResults(sessionReferenceNumber: string, options: ListOptions = {}): Promise<SessionInvoiceStatus[]> {
    return sessionInvoiceResults(this.http, sessionReferenceNumber, options)
  }

  /**
   * Reconciles an ambiguous send: looks the invoice up in its session by the hash of the bytes sent (KSeF lists every
   * invoice it received). Undefined means KSeF has no such invoice in that session: sending again is safe.
   */
  async findInSession(
    sessionReferenceNumber: string,
    invoiceHash: string,
    options: ListOptions = {},
  ): Promise<SessionInvoiceStatus | undefined> {
    const all = await sessionInvoiceResults(this.http, sessionReferenceNumber, options)
    return all.find((invoice) => invoice.invoiceHash === invoiceHash)
  }

  downloadInvoiceUpo(
    sessionReferenceNumber: string,
    target: InvoiceUpoTarget,
    options: CallOptions = {},
  ): Promise<Upo> {
    return downloadInvoiceUpo(this.http, sessionReferenceNumber, target, options)
  }

  downloadUpoFromUrl(url: string, options: CallOptions = {}): Promise<Upo> {
    return downloadUpoFromUrl(this.http, url, options)
  }

  /** Waits for a closed session to be processed and downloads every page of its UPO. */
  downloadSessionUpo(
    kind: 'online' | 'batch',
    sessionReferenceNumber: string,
    options: PollOptions = {},
  ): Promise<{ status: SessionStatus; pages: SessionUpoPage[] }> {
    return downloadSessionUpo(this.http, kind, sessionReferenceNumber, options)
  }

  /** Closes a batch session again (after a transient failure of the close in {@link sendBatch}). */
  closeBatchSession(referenceNumber: string, options: CallOptions = {}): Promise<void> {
    return closeBatchSession(this.http, referenceNumber, options)
  }

  /** Packages, opens, uploads and closes a batch. */
  sendBatch(
    invoices: Iterable<BatchInvoice> | AsyncIterable<BatchInvoice>,
    options: SendBatchOptions = {},
  ): Promise<BatchSubmission> {
    return sendBatch(this.http, this.keys, invoices, options)
  }

  waitForBatch(referenceNumber: string, options: PollOptions = {}): Promise<SessionStatus> {
    return waitForBatch(this.http, referenceNumber, options)
  }

  /** Waits for a batch and pairs every file with its outcome. */
  batchResults(
    submission: Pick<BatchSubmission, 'referenceNumber' | 'files'>,
    options: PollOptions & ListOptions = {},
  ): Promise<BatchInvoiceResult[]> {
    return batchResults(this.http, submission, options)
  }

  /** Invoice metadata with KSeF's paging rule. */
  queryInvoiceMetadata(filters: InvoiceQueryFilters, options: MetadataQueryOptions = {}): Promise<MetadataQueryResult> {
    return queryInvoiceMetadata(this.http, filters, options)
  }

  downloadInvoice(ksefNumber: string, options: CallOptions = {}): Promise<DownloadedInvoice> {
    return downloadInvoice(this.http, ksefNumber, options)
  }

  /** One export: start, wait, download, decrypt, unpack. */
  exportInvoices(
    filters: InvoiceQueryFilters,
    options: ExportOptions & PollOptions = {},
  ): Promise<ExportContents & { referenceNumber: string }> {
    return exportInvoices(this.http, this.keys, filters, options)
  }

  /** Reads the effective limits (`GET /rate-limits`) and makes the limiter use them. */
  async loadRateLimits(options: CallOptions = {}): Promise<Partial<Record<RateLimitGroup, RateLimitValues>>> {
    const response = await this.http.call(OPERATIONS.rateLimits, options)
    const limits = this.http.json<Partial<Record<RateLimitGroup, RateLimitValues>>>(response, OPERATIONS.rateLimits)
    this.limiter.setLimits(limits)
    return limits
  }

  #requireAuth(): AuthManager {
    if (!this.#auth) throw new TypeError('this client has no credentials')
    return this.#auth
  }
}

/**
 * Creates a client.
 *
 * @example
 * ```ts
 * const client = createKsefClient({ environment: { baseUrl: simulator.url }, context: nipContext(nip), credentials: { kind: 'token', token } })
 * ```
 */
export function createKsefClient(options: KsefClientOptions): KsefClient {
  return new KsefClient(options)
}
