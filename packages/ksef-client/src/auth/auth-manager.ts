/**
 * The access token's whole life: challenge, KSeF-token or XAdES login, status polling, redeem, refresh before
 * expiry, a new login when the refresh token is gone, and revocation. Concurrent callers share one login or
 * refresh.
 *
 * @module
 */

import type { PublicKeyCache } from '../crypto/public-keys.ts'
import { isKsefError, type KsefError, KsefTransientError } from '../errors/ksef-error.ts'
import type { AccessTokenSource, CallOptions, KsefHttp } from '../http/ksef-http.ts'
import { OPERATIONS } from '../http/operations.ts'
import type { ContextIdentifier, KsefCredentials } from './credentials.ts'
import { runLogin, type TokenInfo, tokenExpiry } from './login-flow.ts'

/** What the manager holds after a login. Secret: never log it. */
interface Tokens {
  access: string
  accessValidUntil: number
  /** When to refresh: before expiry by the margin, or by half the lifetime when that is shorter. */
  refreshAt: number
  refresh: string
  refreshValidUntil: number
  referenceNumber: string
}

/** Public facts about the current login (no secrets). */
export interface AuthState {
  readonly loggedIn: boolean
  readonly authReferenceNumber?: string
  readonly accessTokenValidUntil?: Date
  readonly refreshTokenValidUntil?: Date
}

/** Tuning of the auth manager. */
export interface AuthManagerOptions {
  /** Refresh this long before the access token expires; 60 s by default. */
  readonly refreshMarginMs?: number
  /** Longest wait for the authentication operation to leave status 100; 120 s by default. */
  readonly maxAuthWaitMs?: number
  /** First poll interval of the authentication status; 250 ms by default. */
  readonly pollIntervalMs?: number
}

/**
 * Logs in and keeps a valid access token.
 *
 * @example
 * ```ts
 * const auth = new AuthManager(http, keys, { type: 'Nip', value: '5265877635' }, { kind: 'token', token })
 * const accessToken = await auth.accessToken({})
 * ```
 */
export class AuthManager implements AccessTokenSource {
  readonly #http: KsefHttp
  readonly #keys: PublicKeyCache
  readonly #context: ContextIdentifier
  readonly #credentials: KsefCredentials
  readonly #refreshMarginMs: number
  readonly #maxAuthWaitMs: number
  readonly #pollIntervalMs: number
  #tokens: Tokens | undefined
  #pending: Promise<void> | undefined

  constructor(
    http: KsefHttp,
    keys: PublicKeyCache,
    context: ContextIdentifier,
    credentials: KsefCredentials,
    options: AuthManagerOptions = {},
  ) {
    this.#http = http
    this.#keys = keys
    this.#context = context
    this.#credentials = credentials
    this.#refreshMarginMs = options.refreshMarginMs ?? 60_000
    this.#maxAuthWaitMs = options.maxAuthWaitMs ?? 120_000
    this.#pollIntervalMs = options.pollIntervalMs ?? 250
    this.#tokens = undefined
    this.#pending = undefined
    if (credentials.kind === 'token') http.secrets.add(credentials.token)
  }

  /** Facts about the current login. */
  get state(): AuthState {
    const tokens = this.#tokens
    if (!tokens) return { loggedIn: false }
    return {
      loggedIn: true,
      authReferenceNumber: tokens.referenceNumber,
      accessTokenValidUntil: new Date(tokens.accessValidUntil),
      refreshTokenValidUntil: new Date(tokens.refreshValidUntil),
    }
  }

  /** A valid access token: logs in, or refreshes when it expires within the margin. */
  async accessToken(options: CallOptions): Promise<string> {
    for (let round = 0; round < 3; round += 1) {
      const tokens = this.#tokens
      const now = Date.now()
      if (tokens && tokens.refreshAt > now) return tokens.access
      this.#pending ??= (
        tokens && tokens.refreshValidUntil - this.#refreshMarginMs > now
          ? this.#refresh(tokens, options)
          : this.login(options)
      ).finally(() => {
        this.#pending = undefined
      })
      await this.#pending
    }
    throw new KsefTransientError({ code: 'TOKEN_UNAVAILABLE', message: 'could not obtain a valid access token' })
  }

  /** Refreshes the access token now (logs in when there is no refresh token or it is gone). */
  async refreshNow(options: CallOptions = {}): Promise<void> {
    const tokens = this.#tokens
    this.#pending ??= (tokens ? this.#refresh(tokens, options) : this.login(options)).finally(() => {
      this.#pending = undefined
    })
    await this.#pending
  }

  /** KSeF refused this access token (401): the next call refreshes. */
  refused(token: string): void {
    if (this.#tokens?.access === token) {
      this.#tokens.accessValidUntil = 0
      this.#tokens.refreshAt = 0
    }
  }

  #refreshAt(validUntil: number): number {
    const now = Date.now()
    return validUntil - Math.min(this.#refreshMarginMs, Math.max(0, (validUntil - now) / 2))
  }

  /** Logs in anew (challenge, init, poll, redeem). One repeat on a transient failure: a login has no lasting effect. */
  async login(options: CallOptions = {}): Promise<void> {
    try {
      await this.#loginOnce(options)
    } catch (error) {
      if (!isKsefError(error) || (error.errorClass !== 'transient' && error.errorClass !== 'ambiguous')) throw error
      if (error.code === '21470') this.#keys.invalidate()
      if (options.signal?.aborted) throw error
      this.#http.logger.info({ code: error.code }, 'login repeated')
      try {
        await this.#loginOnce(options)
      } catch (second) {
        throw this.#loginError(second)
      }
    }
  }

  /** Revokes the refresh token of this login (`DELETE /auth/sessions/current`) and forgets the tokens. */
  async revoke(options: CallOptions = {}): Promise<void> {
    if (!this.#tokens) return
    await this.#http.call(OPERATIONS.authSessionsRevokeCurrent, options)
    this.#forget()
  }

  #forget(): void {
    if (this.#tokens) {
      this.#http.secrets.delete(this.#tokens.access)
      this.#http.secrets.delete(this.#tokens.refresh)
    }
    this.#tokens = undefined
  }

  #loginError(error: unknown): unknown {
    // Nothing of a failed login lasts, so "may have reached KSeF" is no reason to reconcile: try again later.
    if (isKsefError(error) && error.errorClass === 'ambiguous') {
      return new KsefTransientError({
        code: error.code,
        message: error.message,
        ...(error.operation ? { operation: error.operation } : {}),
        cause: error,
      })
    }
    return error
  }

  async #loginOnce(options: CallOptions): Promise<void> {
    const result = await runLogin(
      {
        http: this.#http,
        keys: this.#keys,
        context: this.#context,
        credentials: this.#credentials,
        maxAuthWaitMs: this.#maxAuthWaitMs,
        pollIntervalMs: this.#pollIntervalMs,
      },
      options,
    )
    this.#forget()
    const accessValidUntil = tokenExpiry(result.accessToken)
    this.#tokens = {
      access: result.accessToken.token,
      accessValidUntil,
      refreshAt: this.#refreshAt(accessValidUntil),
      refresh: result.refreshToken.token,
      refreshValidUntil: tokenExpiry(result.refreshToken),
      referenceNumber: result.referenceNumber,
    }
    this.#http.logger.info(
      { authReferenceNumber: result.referenceNumber, context: `${this.#context.type}:${this.#context.value}` },
      'logged in to KSeF',
    )
  }

  async #refresh(tokens: Tokens, options: CallOptions): Promise<void> {
    try {
      const response = await this.#http.call(OPERATIONS.authRefresh, { ...options, bearer: tokens.refresh })
      const refreshed = this.#http.json<{ accessToken: TokenInfo }>(response, OPERATIONS.authRefresh)
      this.#http.secrets.add(refreshed.accessToken.token)
      this.#http.secrets.delete(tokens.access)
      tokens.access = refreshed.accessToken.token
      tokens.accessValidUntil = tokenExpiry(refreshed.accessToken)
      tokens.refreshAt = this.#refreshAt(tokens.accessValidUntil)
      this.#http.logger.info({ authReferenceNumber: tokens.referenceNumber }, 'access token refreshed')
    } catch (error) {
      if (options.signal?.aborted) throw error
      // The refresh token is gone (21301/21304/21308, 401) or refresh misbehaves (500/21304 happen): log in anew.
      this.#http.logger.info({ code: (error as KsefError).code }, 'refresh failed; logging in again')
      this.#forget()
      await this.login(options)
    }
  }
}
