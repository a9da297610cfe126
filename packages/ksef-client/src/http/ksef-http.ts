/**
 * The one HTTP wrapper of the client: builds URLs, takes a rate-limit slot, attaches the token, applies the
 * timeout and the abort signal, classifies failures, refreshes the access token once on 401, and repeats a call
 * only when that is provably safe (reads, 429, failures before the body left).
 *
 * @module
 */
import {
  isKsefError,
  KsefAmbiguousError,
  KsefConfigurationError,
  type KsefError,
  KsefTransientError,
} from '../errors/ksef-error.ts'
import type { KsefLogger, SecretRedactor } from '../logging/logger.ts'
import type { RateLimiter } from '../rate-limit/limiter.ts'
import { abortableSleep } from '../util/sleep.ts'
import { type Classified, classifyFailure, classifyResponse } from './classify.ts'
import type { Operation } from './operations.ts'
import { type Transport, type TransportBody, TransportFailure, type TransportResponse } from './transport.ts'

/** Per-call options every public method accepts. */
export interface CallOptions {
  /** Time for one HTTP exchange; the client default otherwise (30 s). */
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
}

/** Where the access token comes from (the auth manager). */
export interface AccessTokenSource {
  accessToken(options: CallOptions): Promise<string>
  /** Called after a 401 with the token that was refused. */
  refused(token: string): void
}

/** How calls are repeated. */
export interface RetryPolicy {
  /** Attempts in all, including the first; 3 by default. */
  readonly maxAttempts: number
  /** First backoff; doubles per attempt, with jitter. */
  readonly baseDelayMs: number
  /** A `Retry-After` longer than this is not waited out inside the call: the error goes to the caller. */
  readonly maxRetryAfterMs: number
}

/** The wrapper's configuration. */
export interface KsefHttpConfig {
  readonly apiBaseUrl: string
  readonly transport: Transport
  readonly logger: KsefLogger
  readonly secrets: SecretRedactor
  readonly limiter: RateLimiter
  /** The limiter key of the current context, e.g. `https://api.ksef.mf.gov.pl/v2|Nip:5265877635`. */
  readonly contextKey: string
  /** The key for per-IP limits (public endpoints). */
  readonly ipKey: string
  readonly defaultTimeoutMs: number
  readonly retry: RetryPolicy
  readonly userAgent: string
}

/** A call's input. */
export interface CallInput extends CallOptions {
  readonly pathParams?: Readonly<Record<string, string>>
  readonly query?: Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>
  readonly headers?: Readonly<Record<string, string | undefined>>
  readonly json?: unknown
  readonly body?: Uint8Array
  readonly contentType?: string
  /** For `explicit` operations: the authentication or refresh token. */
  readonly bearer?: string
  readonly accept?: string
}

/** A successful answer. */
export interface KsefResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: Buffer
}

function toAbortError(operation: string, bodySent: boolean): KsefError {
  return new KsefTransientError({
    code: 'ABORTED',
    operation,
    message: `${operation}: aborted by the caller ${bodySent ? 'after' : 'before'} sending`,
  })
}

/**
 * The HTTP wrapper.
 *
 * @example
 * ```ts
 * const response = await http.call(OPERATIONS.sessionStatus, { pathParams: { referenceNumber } })
 * const status = http.json<SessionStatus>(response, OPERATIONS.sessionStatus)
 * ```
 */
export class KsefHttp {
  readonly #config: KsefHttpConfig
  #tokens: AccessTokenSource | undefined

  constructor(config: KsefHttpConfig) {
    this.#config = config
    this.#tokens = undefined
  }

  /** Connects the auth manager (it needs this wrapper itself to log in). */
  useTokens(tokens: AccessTokenSource): void {
    this.#tokens = tokens
  }

  get logger(): KsefLogger {
    return this.#config.logger
  }

  get secrets(): SecretRedactor {
    return this.#config.secrets
  }

  /** Calls an operation; returns a 2xx answer or throws a {@link KsefError}. */
  async call(operation: Operation, input: CallInput = {}): Promise<KsefResponse> {
    const url = this.#url(operation, input)
    const facts = {
      operation: operation.name,
      idempotent: operation.idempotent,
      label: `${operation.method} ${operation.path}`,
    }
    const limiterKey = operation.group === 'public' ? this.#config.ipKey : this.#config.contextKey
    let refreshed = false
    let attempt = 0
    for (;;) {
      attempt += 1
      const queued = Date.now()
      try {
        await this.#config.limiter.acquire(limiterKey, operation.group, input.signal)
      } catch (error) {
        if (isKsefError(error)) throw error
        throw toAbortError(operation.name, false)
      }
      const waitedMs = Date.now() - queued
      const headers: Record<string, string> = {
        accept: input.accept ?? 'application/json',
        'x-error-format': 'problem-details',
        'user-agent': this.#config.userAgent,
      }
      for (const [name, value] of Object.entries(input.headers ?? {})) if (value !== undefined) headers[name] = value
      let token: string | undefined
      if (operation.auth === 'access') {
        if (!this.#tokens) {
          throw new KsefConfigurationError({
            code: 'NO_CREDENTIALS',
            operation: operation.name,
            message: `${operation.name} needs a login, and the client has no credentials`,
          })
        }
        token = await this.#tokens.accessToken(input)
      } else if (operation.auth === 'explicit') token = input.bearer
      if (token) headers.authorization = `Bearer ${token}`
      let body: Uint8Array | undefined = input.body
      if (input.json !== undefined) {
        body = Buffer.from(JSON.stringify(input.json), 'utf8')
        headers['content-type'] = 'application/json'
      } else if (input.contentType) headers['content-type'] = input.contentType
      const started = Date.now()
      let classified: Classified
      try {
        const response = await this.#config.transport({
          method: operation.method,
          url,
          headers,
          ...(body !== undefined ? { body } : {}),
          timeoutMs: input.timeoutMs ?? this.#config.defaultTimeoutMs,
          ...(input.signal ? { signal: input.signal } : {}),
          reuseConnection: operation.idempotent,
        })
        this.#config.logger.debug(
          {
            operation: operation.name,
            group: operation.group,
            status: response.status,
            at: started,
            ms: Date.now() - started,
            // Time held back by the client-side limiter: how much KSeF's limits, not the hub, set the pace.
            waitedMs,
            attempt,
          },
          'ksef call',
        )
        const warning = response.headers['x-system-warning']
        if (warning) this.#config.logger.warn({ operation: operation.name, warning }, 'KSeF system warning')
        if (response.status >= 200 && response.status < 300) return response
        classified = classifyResponse(response, facts)
        if (response.status === 429 && classified.error.retryAfterMs !== undefined) {
          await this.#config.limiter.penalize(limiterKey, operation.group, classified.error.retryAfterMs)
        }
        if (response.status === 401 && operation.auth === 'access' && token && !refreshed && this.#tokens) {
          // The request was refused before any effect: refresh once and repeat, whatever the operation.
          refreshed = true
          this.#tokens.refused(token)
          attempt -= 1
          continue
        }
      } catch (error) {
        if (!(error instanceof TransportFailure)) throw error
        classified = classifyFailure(error, facts)
        this.#config.logger.debug(
          { operation: operation.name, failure: error.kind, bodySent: error.bodySent, attempt },
          'ksef call failed',
        )
      }
      const error = this.#redacted(classified.error)
      const repeat =
        error.errorClass === 'transient' && classified.safeToRepeat && attempt < this.#config.retry.maxAttempts
      const wait = error.retryAfterMs ?? this.#backoff(attempt)
      if (!repeat || wait > this.#config.retry.maxRetryAfterMs || input.signal?.aborted) {
        this.#config.logger.warn({ error: error.toJSON() }, 'ksef call failed')
        throw error
      }
      this.#config.logger.info(
        { operation: operation.name, code: error.code, waitMs: wait, attempt },
        'ksef call repeated',
      )
      try {
        await abortableSleep(wait, input.signal)
      } catch {
        throw toAbortError(operation.name, false)
      }
    }
  }

  /**
   * Calls a pre-signed URL (batch part upload, export part, UPO page): no bearer token, no rate limit.
   * The URL is never logged or put in a message: it carries a credential in its query.
   */
  async callUrl(
    name: string,
    method: string,
    url: string,
    input: CallOptions & { headers?: Readonly<Record<string, string>>; body?: TransportBody; idempotent: boolean },
  ): Promise<TransportResponse> {
    const where = new URL(url)
    const label = `${method} ${where.host}${where.pathname.replace(/[^/]{40,}/g, '…')}`
    const facts = { operation: name, idempotent: input.idempotent, label }
    let attempt = 0
    for (;;) {
      attempt += 1
      let classified: Classified
      try {
        const response = await this.#config.transport({
          method,
          url,
          headers: { 'user-agent': this.#config.userAgent, ...(input.headers ?? {}) },
          ...(input.body !== undefined ? { body: input.body } : {}),
          timeoutMs: input.timeoutMs ?? this.#config.defaultTimeoutMs,
          ...(input.signal ? { signal: input.signal } : {}),
          reuseConnection: input.idempotent,
        })
        if (response.status >= 200 && response.status < 300) return response
        classified = classifyResponse(response, facts)
      } catch (error) {
        if (!(error instanceof TransportFailure)) throw error
        classified = classifyFailure(error, facts)
      }
      const error = this.#redacted(classified.error)
      const repeat =
        error.errorClass === 'transient' && classified.safeToRepeat && attempt < this.#config.retry.maxAttempts
      const wait = error.retryAfterMs ?? this.#backoff(attempt)
      if (!repeat || wait > this.#config.retry.maxRetryAfterMs) {
        this.#config.logger.warn({ error: error.toJSON() }, 'pre-signed call failed')
        throw error
      }
      await abortableSleep(wait, input.signal).catch(() => {
        throw toAbortError(name, false)
      })
    }
  }

  /** Parses a JSON answer; an unreadable 2xx body is ambiguous for a call that changes state. */
  json<T>(response: KsefResponse, operation: Operation): T {
    try {
      return JSON.parse(response.body.toString('utf8')) as T
    } catch {
      const init = {
        code: 'UNREADABLE_RESPONSE',
        operation: operation.name,
        httpStatus: response.status,
        message: `${operation.method} ${operation.path}: HTTP ${response.status} with a body that is not JSON`,
      }
      // KSeF acted on a state-changing call, but we cannot read what it answered (e.g. the reference number).
      throw operation.idempotent ? new KsefTransientError(init) : new KsefAmbiguousError(init)
    }
  }

  #redacted(error: KsefError): KsefError {
    const safe = this.#config.secrets.redact(error.message)
    if (safe !== error.message) Object.defineProperty(error, 'message', { value: safe })
    // The stack's first line repeats the message as it was at construction.
    const stack = error.stack === undefined ? undefined : this.#config.secrets.redact(error.stack)
    if (stack !== error.stack) Object.defineProperty(error, 'stack', { value: stack })
    return error
  }

  #backoff(attempt: number): number {
    const base = this.#config.retry.baseDelayMs * 2 ** (attempt - 1)
    return Math.round(base * (0.75 + Math.random() * 0.5))
  }

  #url(operation: Operation, input: CallInput): string {
    const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = input.pathParams?.[name]
      if (value === undefined) throw new TypeError(`${operation.name}: missing path parameter ${name}`)
      return encodeURIComponent(value)
    })
    const url = new URL(`${this.#config.apiBaseUrl}${path}`)
    for (const [name, value] of Object.entries(input.query ?? {})) {
      if (value === undefined) continue
      if (Array.isArray(value)) for (const item of value) url.searchParams.append(name, String(item))
      else url.searchParams.set(name, String(value))
    }
    return url.toString()
  }
}
