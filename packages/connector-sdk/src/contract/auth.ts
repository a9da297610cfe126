/**
 * How a connector authenticates. Secrets live encrypted in the hub; a connector reads them through its context's
 * `credentials`, which renews OAuth tokens before they expire. A rotated refresh token (Xero, QuickBooks rotate on
 * every refresh) is stored before anyone uses it, under the connection's lock, so two workers never refresh at once.
 *
 * @module
 */
import type { ConnectorLogger } from './context.ts'
import type { HttpClient } from './http.ts'

/** What a token renewal runs with. */
export interface RefreshContext<Settings, Secrets> {
  readonly settings: Settings
  /** The secrets as stored when the lock was taken (another worker may have renewed them just before). */
  readonly secrets: Secrets
  /** The connection's HTTP client (its hosts, timeouts, retries). */
  readonly http: HttpClient
  readonly logger: ConnectorLogger
  readonly now: () => Date
}

/** Secrets used as they are stored (an API key, a private-app token). */
export interface StaticAuth {
  readonly kind: 'static'
}

/** OAuth 2 access tokens renewed by a refresh token or client credentials. */
export interface OAuth2Auth<Settings, Secrets> {
  readonly kind: 'oauth2'
  /** When the access token in these secrets expires (`undefined`: no token yet, renew now). */
  expiresAt(secrets: Secrets): Date | undefined
  /**
   * Gets a new access token and returns the secrets to store, a rotated refresh token included. Throws a
   * `ConnectorError('auth')` when the grant is revoked or expired (`invalid_grant`): the connection then needs
   * re-authorization, and nothing retries it.
   */
  refresh(context: RefreshContext<Settings, Secrets>): Promise<Secrets>
}

/** How a connector authenticates. */
export type AuthDeclaration<Settings, Secrets> = StaticAuth | OAuth2Auth<Settings, Secrets>

/** A connection's secrets, renewed when needed. */
export interface Credentials<Secrets> {
  /** Whether the secrets can be renewed (OAuth 2); static secrets refused once are refused. */
  readonly renewable: boolean
  /** The secrets with a valid access token (renewed first when it expires within a minute). */
  current(): Promise<Secrets>
  /**
   * Renews now, although the token looked valid (the source answered 401 to it). Renews at most once per token:
   * a second 401 with the renewed token is an `auth` error.
   */
  renew(): Promise<Secrets>
}
