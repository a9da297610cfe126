/**
 * Who may call the fake: a private app's static token (`pat-…`, never expires [N §4]) and an OAuth app's access
 * tokens (30 minutes), renewed at `POST /oauth/v1/token` with a refresh token or first issued for an
 * authorization code [R (f)]. Refresh tokens rotate only when configured (HubSpot keeps them: VERIFY); a rotated,
 * revoked or unknown one is `BAD_REFRESH_TOKEN`. Every grant carries its scopes, checked per endpoint.
 *
 * @module
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { FakeClock } from '@ksef-hub/connector-sdk/testing'
import { CRM_ERRORS, OAUTH_ERRORS } from './errors.ts'
import { TOKEN_TYPE } from './facts.ts'
import type { Answer } from './http.ts'

/** What every grant of the fake may do unless a test narrows it. */
export const DEFAULT_SCOPES: readonly string[] = [
  'oauth',
  'crm.objects.invoices.read',
  'crm.objects.invoices.write',
  'crm.objects.line_items.read',
  'crm.objects.line_items.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.schemas.invoices.read',
  'crm.schemas.invoices.write',
  'files',
  'tax_rates.read',
]

/** The app and portal the fake is. */
export interface AppIdentity {
  readonly portalId: number
  readonly appId: number
  readonly clientId: string
  readonly clientSecret: string
  readonly privateAppToken: string
}

/** A caller the fake recognised. */
export interface Principal {
  readonly kind: 'private' | 'oauth'
  /** The limiter's key: one budget per private app, one per OAuth app and portal. */
  readonly app: string
  readonly scopes: ReadonlySet<string>
}

interface AccessToken {
  readonly expiresAt: number
  readonly scopes: readonly string[]
}

/** How OAuth behaves. */
export interface OAuthOptions {
  readonly lifetimeSeconds: number
  readonly rotateRefreshTokens: boolean
  readonly privateAppScopes: readonly string[]
}

/**
 * The fake's authorization server and token checks.
 *
 * @example
 * ```ts
 * const auth = new Auth(identity, clock, { lifetimeSeconds: 1800, rotateRefreshTokens: false, privateAppScopes: DEFAULT_SCOPES })
 * const refreshToken = auth.issueRefreshToken()
 * ```
 */
export class Auth {
  readonly #identity: AppIdentity
  readonly #clock: FakeClock
  readonly #options: OAuthOptions
  readonly #access = new Map<string, AccessToken>()
  readonly #refresh = new Map<string, readonly string[]>()
  readonly #codes = new Map<string, { readonly redirectUri: string; readonly scopes: readonly string[] }>()
  #issued = 0

  constructor(identity: AppIdentity, clock: FakeClock, options: OAuthOptions) {
    this.#identity = identity
    this.#clock = clock
    this.#options = options
  }

  /** Access tokens issued so far. */
  get issued(): number {
    return this.#issued
  }

  /** A refresh token as an install of the app would give (scopes default: all of the fake's). */
  issueRefreshToken(scopes: readonly string[] = DEFAULT_SCOPES): string {
    const token = `na1-${randomUUID().slice(0, 4)}-${randomUUID()}`
    this.#refresh.set(token, scopes)
    return token
  }

  /** An authorization code for `redirectUri`, as HubSpot's install redirect carries it. */
  authorizationCode(redirectUri: string, scopes: readonly string[] = DEFAULT_SCOPES): string {
    const code = randomUUID()
    this.#codes.set(code, { redirectUri, scopes })
    return code
  }

  /** The refresh tokens accepted now. */
  refreshTokens(): string[] {
    return [...this.#refresh.keys()]
  }

  revoke(refreshToken: string): boolean {
    return this.#refresh.delete(refreshToken)
  }

  /** Every access token issued so far stops working (expired). */
  expireAccessTokens(): void {
    const past = this.#clock.now().getTime() - 1
    for (const [token, grant] of this.#access) this.#access.set(token, { ...grant, expiresAt: past })
  }

  /**
   * `POST /oauth/v1/token`.
   *
   * @throws {HubSpotError} 400 with HubSpot's `BAD_…` statuses
   */
  token(form: URLSearchParams): Answer {
    const grantType = form.get('grant_type')
    if (grantType !== 'refresh_token' && grantType !== 'authorization_code') throw OAUTH_ERRORS.badGrantType()
    if (form.get('client_id') !== this.#identity.clientId) throw OAUTH_ERRORS.badClientId()
    if (form.get('client_secret') !== this.#identity.clientSecret) throw OAUTH_ERRORS.badClientSecret()
    let refreshToken: string
    let scopes: readonly string[]
    if (grantType === 'authorization_code') {
      const code = this.#codes.get(form.get('code') ?? '')
      if (!code) throw OAUTH_ERRORS.badAuthCode()
      if (form.get('redirect_uri') !== code.redirectUri) throw OAUTH_ERRORS.badRedirectUri()
      this.#codes.delete(form.get('code') ?? '')
      scopes = code.scopes
      refreshToken = this.issueRefreshToken(scopes)
    } else {
      const presented = form.get('refresh_token') ?? ''
      const known = this.#refresh.get(presented)
      if (!known) throw OAUTH_ERRORS.badRefreshToken()
      scopes = known
      refreshToken = presented
      if (this.#options.rotateRefreshTokens) {
        this.#refresh.delete(presented)
        refreshToken = this.issueRefreshToken(scopes)
      }
    }
    const accessToken = `C${randomBytes(72).toString('base64url')}`
    const lifetime = this.#options.lifetimeSeconds
    this.#access.set(accessToken, { expiresAt: this.#clock.now().getTime() + lifetime * 1000, scopes })
    this.#issued += 1
    return {
      status: 200,
      json: {
        token_type: TOKEN_TYPE,
        refresh_token: refreshToken,
        access_token: accessToken,
        expires_in: lifetime,
        // The index's AccessTokenResponse requires `token_use` and lists `hub_id` and `scopes` (VERIFY on v1).
        token_use: 'access_token',
        hub_id: this.#identity.portalId,
        scopes: [...scopes],
      },
    }
  }

  /**
   * The caller of an API request.
   *
   * @throws {HubSpotError} 401 for a missing, unknown or expired token
   */
  principal(authorization: string | undefined): Principal {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1]
    if (!token) throw CRM_ERRORS.noCredentials()
    if (token === this.#identity.privateAppToken) {
      return {
        kind: 'private',
        app: `private:${this.#identity.appId}`,
        scopes: new Set(this.#options.privateAppScopes),
      }
    }
    const grant = this.#access.get(token)
    if (!grant) throw CRM_ERRORS.noCredentials()
    const now = this.#clock.now().getTime()
    if (grant.expiresAt <= now) throw CRM_ERRORS.expired(Math.floor((now - grant.expiresAt) / 60_000))
    return {
      kind: 'oauth',
      app: `oauth:${this.#identity.appId}:${this.#identity.portalId}`,
      scopes: new Set(grant.scopes),
    }
  }

  /** `GET /oauth/v1/access-tokens/{token}` [I `AccessTokenInfoResponse`]; `undefined` for an unknown token. */
  accessTokenInfo(token: string): Record<string, unknown> | undefined {
    const grant = this.#access.get(token)
    if (!grant) return undefined
    const left = Math.max(0, Math.floor((grant.expiresAt - this.#clock.now().getTime()) / 1000))
    return {
      token,
      token_type: 'access',
      hub_id: this.#identity.portalId,
      app_id: this.#identity.appId,
      user_id: 78123,
      user: 'admin@example.pl',
      hub_domain: 'example.pl',
      scopes: [...grant.scopes],
      expires_in: left,
    }
  }

  /** `GET /oauth/v1/refresh-tokens/{token}` [I `RefreshTokenInfoResponse`]. */
  refreshTokenInfo(token: string): Record<string, unknown> | undefined {
    const scopes = this.#refresh.get(token)
    if (!scopes) return undefined
    return {
      token,
      token_type: 'refresh',
      client_id: this.#identity.clientId,
      hub_id: this.#identity.portalId,
      user_id: 78123,
      user: 'admin@example.pl',
      hub_domain: 'example.pl',
      scopes: [...scopes],
    }
  }
}
