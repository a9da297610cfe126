/**
 * How a HubSpot connection signs in. Declared as OAuth 2 for both ways in, since the SDK's declaration is one per
 * connector: a private app's token never expires (so it is never renewed ahead, and a 401 to it is an `auth`
 * error: a person must make a new one), while an OAuth install's access token (30 minutes) is renewed with the
 * refresh token at HubSpot's token endpoint, and what HubSpot answers (a rotated refresh token included) is stored
 * by the hub before anyone uses it.
 *
 * @module
 */
import { ConnectorError, type OAuth2Auth, refreshTokenGrant } from '@ksef-hub/connector-sdk'
import type { Secrets, Settings } from './settings.ts'

/** A private app's token has no expiry: "never" as a date. */
const NEVER = new Date(8.64e15)

/**
 * HubSpot's token endpoint (`/oauth/v1/token`, on the API's origin, so the connection's one host covers it).
 *
 * @example
 * ```ts
 * tokenUrlOf(settings) // 'https://api.hubapi.com/oauth/v1/token'
 * ```
 */
export function tokenUrlOf(settings: Settings): string {
  return `${settings.baseUrl}/oauth/v1/token`
}

function missing(name: string, settings: Settings): ConnectorError {
  return new ConnectorError(
    'auth',
    `secrets.${name} is not set, and settings.auth is ${settings.auth}: set it (see the connector's README)`,
  )
}

/**
 * The bearer token of a call: the private app's token, or the OAuth install's current access token.
 *
 * @throws `ConnectorError('auth')` naming the secret `settings.auth` needs and the secrets lack
 * @example
 * ```ts
 * const token = bearerOf(context.settings, await context.credentials.current())
 * ```
 */
export function bearerOf(settings: Settings, secrets: Secrets): string {
  if (settings.auth === 'privateApp') {
    if (!secrets.privateAppToken) throw missing('privateAppToken', settings)
    return secrets.privateAppToken
  }
  if (!secrets.accessToken) throw missing('accessToken', settings)
  return secrets.accessToken
}

/**
 * The connector's auth declaration.
 *
 * @example
 * ```ts
 * defineConnector({ ..., auth: hubspotAuth })
 * ```
 */
export const hubspotAuth: OAuth2Auth<Settings, Secrets> = {
  kind: 'oauth2',
  expiresAt(secrets) {
    if (secrets.privateAppToken && !secrets.refreshToken) return NEVER
    return secrets.accessToken && secrets.expiresAt ? new Date(secrets.expiresAt) : undefined
  },
  async refresh({ settings, secrets, http, now }) {
    if (settings.auth === 'privateApp') {
      throw new ConnectorError(
        'auth',
        'HubSpot refused the private app token: make a new one in the private app (Auth tab) and set secrets.privateAppToken',
      )
    }
    if (!secrets.clientId) throw missing('clientId', settings)
    if (!secrets.clientSecret) throw missing('clientSecret', settings)
    if (!secrets.refreshToken) throw missing('refreshToken', settings)
    const client = {
      tokenUrl: tokenUrlOf(settings),
      clientId: secrets.clientId,
      clientSecret: secrets.clientSecret,
      clientAuth: 'body' as const,
    }
    const tokens = await refreshTokenGrant(http, client, secrets.refreshToken, now())
    return {
      ...secrets,
      accessToken: tokens.accessToken,
      // HubSpot answers a refresh token each time; whether it is a new one is HubSpot's choice (kept either way).
      refreshToken: tokens.refreshToken ?? secrets.refreshToken,
      expiresAt: tokens.expiresAt.toISOString(),
    }
  },
}
