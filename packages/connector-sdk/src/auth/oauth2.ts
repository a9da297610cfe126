/**
 * The OAuth 2 token endpoint calls connectors need (RFC 6749 §4.4, §6), through the connection's HTTP client: the
 * hub's timeouts and host allow-list hold for token URLs too, and tests point them at 127.0.0.1.
 *
 * @module
 */
import type { HttpClient } from '../contract/http.ts'
import { ConnectorError } from '../errors.ts'

/** What a token endpoint answered. */
export interface TokenSet {
  readonly accessToken: string
  /** The refresh token to keep: the rotated one when the server rotates, the one sent otherwise. */
  readonly refreshToken?: string
  readonly expiresAt: Date
  readonly scope?: string
  /** Every field the server answered (e.g. QuickBooks' `x_refresh_token_expires_in`). */
  readonly raw: Readonly<Record<string, unknown>>
}

/** How the client authenticates at the token endpoint. */
export interface TokenClient {
  readonly tokenUrl: string
  readonly clientId: string
  readonly clientSecret: string
  /** `basic` (HTTP Basic, RFC 6749 §2.3.1; Xero, Intuit) or `body` (client_id and client_secret in the form). */
  readonly clientAuth?: 'basic' | 'body'
}

function readJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

async function tokenRequest(
  http: HttpClient,
  client: TokenClient,
  form: Record<string, string>,
  now: Date,
  previousRefreshToken?: string,
): Promise<TokenSet> {
  const basic = (client.clientAuth ?? 'basic') === 'basic'
  const body = new URLSearchParams({
    ...form,
    ...(basic ? {} : { client_id: client.clientId, client_secret: client.clientSecret }),
  })
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
  if (basic) {
    const pair = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`
  }
  const response = await http.request({
    method: 'POST',
    url: client.tokenUrl,
    headers,
    body: body.toString(),
    // A lost answer to a refresh may have rotated the token: never resend blindly.
    idempotent: false,
    accept: [400, 401],
  })
  if (response.status !== 200) {
    // A refusal is one whatever its body: a 401 with an HTML page was a transient error (not JSON), retried for ever
    // instead of asking the tenant to re-authorize.
    const refusal = readJson(response.text())
    const code = typeof refusal?.error === 'string' ? refusal.error : 'error'
    // invalid_grant: the refresh token is revoked, expired or already used; invalid_client: wrong app keys.
    throw new ConnectorError('auth', `the token endpoint refused the grant (${code})`, { status: response.status })
  }
  const raw = response.json<Record<string, unknown>>()
  if (typeof raw.access_token !== 'string' || !raw.access_token) {
    throw new ConnectorError('transient', 'the token endpoint answered without an access_token')
  }
  // An hour when absent or unreadable: "soon" made an invalid date, which no store can write (toISOString throws).
  const answered = Number(raw.expires_in ?? Number.NaN)
  const expiresIn = Number.isFinite(answered) && answered >= 0 ? answered : 3600
  return {
    accessToken: raw.access_token,
    ...(typeof raw.refresh_token === 'string'
      ? { refreshToken: raw.refresh_token }
      : previousRefreshToken !== undefined
        ? { refreshToken: previousRefreshToken }
        : {}),
    expiresAt: new Date(now.getTime() + expiresIn * 1000),
    ...(typeof raw.scope === 'string' ? { scope: raw.scope } : {}),
    raw,
  }
}

/**
 * Renews an access token with a refresh token (`grant_type=refresh_token`).
 *
 * @throws `ConnectorError('auth')` when the grant is refused (`invalid_grant`: revoked, expired or already used)
 * @example
 * ```ts
 * const tokens = await refreshTokenGrant(context.http, { tokenUrl, clientId, clientSecret }, secrets.refreshToken, now())
 * return { ...secrets, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt.toISOString() }
 * ```
 */
export function refreshTokenGrant(
  http: HttpClient,
  client: TokenClient,
  refreshToken: string,
  now: Date,
): Promise<TokenSet> {
  return tokenRequest(http, client, { grant_type: 'refresh_token', refresh_token: refreshToken }, now, refreshToken)
}

/**
 * Gets an access token for the app itself (`grant_type=client_credentials`, e.g. Entra ID for Business Central).
 *
 * @example
 * ```ts
 * const tokens = await clientCredentialsGrant(context.http, { tokenUrl, clientId, clientSecret, clientAuth: 'body' },
 *   'https://api.businesscentral.dynamics.com/.default', now())
 * ```
 */
export function clientCredentialsGrant(
  http: HttpClient,
  client: TokenClient,
  scope: string | undefined,
  now: Date,
): Promise<TokenSet> {
  return tokenRequest(http, client, { grant_type: 'client_credentials', ...(scope ? { scope } : {}) }, now)
}
