/**
 * Entra ID client credentials: the connection's app gets its own token (no user, no refresh token) and keeps one
 * per connection in its secrets, renewed by the hub under the connection's lock a few minutes before it expires.
 *
 * @module
 */
import { clientCredentialsGrant, type OAuth2Auth } from '@ksef-hub/connector-sdk'
import { type Secrets, type Settings, tokenUrlOf } from './settings.ts'

/**
 * How long before its real expiry a token counts as expired. Entra tokens live an hour or more; renewing five
 * minutes early (the SDK adds its own minute) keeps a long pull from meeting a token that dies mid-page.
 */
export const RENEW_EARLY_MS = 4 * 60_000

/**
 * The connector's OAuth 2 declaration (`auth`).
 *
 * @example
 * ```ts
 * defineConnector({ ..., auth: clientCredentials })
 * ```
 */
export const clientCredentials: OAuth2Auth<Settings, Secrets> = {
  kind: 'oauth2',
  expiresAt(secrets) {
    if (!secrets.accessToken || !secrets.expiresAt) return undefined
    return new Date(new Date(secrets.expiresAt).getTime() - RENEW_EARLY_MS)
  },
  async refresh({ settings, secrets, http, now }) {
    // Entra takes the client's credentials in the form (client_secret_post); Basic works too, the form is documented.
    const client = {
      tokenUrl: tokenUrlOf(settings),
      clientId: secrets.clientId,
      clientSecret: secrets.clientSecret,
      clientAuth: 'body' as const,
    }
    const tokens = await clientCredentialsGrant(http, client, settings.scope, now())
    return { ...secrets, accessToken: tokens.accessToken, expiresAt: tokens.expiresAt.toISOString() }
  },
}
