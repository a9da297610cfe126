/**
 * Entra ID's client credentials grant as the fake's token endpoint (`POST /{tenant}/oauth2/v2.0/token`, form body,
 * client secret in the body or as HTTP Basic), and the check of the bearer token on every API call. Tokens are
 * JWT-shaped (claims `aud`, `tid`, `appid`, `iat`, `exp`, signed by the fake), expire on the fake's clock, and can
 * be revoked all at once, so a test sees a renewal. There is no refresh token, as with Entra's grant.
 *
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { FakeClock } from '@ksef-hub/connector-sdk/testing'
import { BC_ERRORS, BC_RESOURCE, BC_SCOPE, bcChallenge, ENTRA_ERRORS } from './facts.ts'
import { type Answer, BcError, entraErrorAnswer } from './http.ts'

/** The Entra app registration the fake accepts. */
export interface BcCredentials {
  /** The Entra tenant (directory) id, also in the API's URL. */
  readonly entraTenantId: string
  /** The BC environment name in the API's URL (`production`, `sandbox`). */
  readonly environment: string
  readonly clientId: string
  readonly clientSecret: string
}

/** Who a valid token was issued to. */
export interface Principal {
  readonly clientId: string
}

interface Claims {
  readonly aud: string
  readonly iss: string
  readonly tid: string
  readonly appid: string
  readonly iat: number
  readonly nbf: number
  readonly exp: number
  readonly roles: readonly string[]
  /** The token's sequence number (Entra's token identifier claim). */
  readonly uti: string
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url')

function sameText(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)]
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * The fake's Entra ID: issues and checks tokens.
 *
 * @example
 * ```ts
 * const entra = new Entra(credentials, clock, { lifetimeSeconds: 3599 })
 * const answer = entra.token(tenantId, new URLSearchParams(body), request.headers.authorization)
 * ```
 */
export class Entra {
  readonly #credentials: BcCredentials
  readonly #clock: FakeClock
  readonly #lifetimeSeconds: number
  readonly #key = randomBytes(32)
  #revokedUpTo = 0
  #issued = 0

  constructor(credentials: BcCredentials, clock: FakeClock, options: { readonly lifetimeSeconds: number }) {
    this.#credentials = credentials
    this.#clock = clock
    this.#lifetimeSeconds = options.lifetimeSeconds
  }

  /** Tokens issued so far. */
  get issued(): number {
    return this.#issued
  }

  /** Every token issued until now stops working (the next API call is 401 until a new one is fetched). */
  revokeAll(): void {
    this.#revokedUpTo = this.#issued
  }

  /** Answers a token request. */
  token(tenant: string, form: URLSearchParams, authorization: string | undefined): Answer {
    const now = this.#clock.now()
    const refuse = (fact: Parameters<typeof entraErrorAnswer>[0]) => entraErrorAnswer(fact, now)
    if (tenant.toLowerCase() !== this.#credentials.entraTenantId.toLowerCase()) {
      return refuse(ENTRA_ERRORS.unknownTenant(tenant))
    }
    const grant = form.get('grant_type')
    if (!grant) return refuse(ENTRA_ERRORS.missingParameter('grant_type'))
    if (grant !== 'client_credentials') return refuse(ENTRA_ERRORS.unsupportedGrant(grant))
    let clientId = form.get('client_id')
    let secret = form.get('client_secret')
    if (authorization?.startsWith('Basic ')) {
      const [id, ...rest] = Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(':')
      clientId = decodeURIComponent(id ?? '')
      secret = decodeURIComponent(rest.join(':'))
    }
    if (!clientId) return refuse(ENTRA_ERRORS.missingParameter('client_id'))
    if (clientId !== this.#credentials.clientId) return refuse(ENTRA_ERRORS.unknownClient(clientId, tenant))
    if (!secret) return refuse(ENTRA_ERRORS.missingSecret())
    if (!sameText(secret, this.#credentials.clientSecret)) return refuse(ENTRA_ERRORS.wrongSecret(clientId))
    const scope = form.get('scope')
    if (!scope) return refuse(ENTRA_ERRORS.missingParameter('scope'))
    if (!scope.endsWith('/.default')) return refuse(ENTRA_ERRORS.scopeNotDefault(scope))
    if (scope !== BC_SCOPE) return refuse(ENTRA_ERRORS.unknownResource(scope.slice(0, -'/.default'.length), tenant))
    const iat = Math.floor(now.getTime() / 1000)
    const claims: Claims = {
      aud: BC_RESOURCE,
      iss: `https://sts.windows.net/${this.#credentials.entraTenantId}/`,
      tid: this.#credentials.entraTenantId,
      appid: clientId,
      iat,
      nbf: iat,
      exp: iat + this.#lifetimeSeconds,
      roles: ['API.ReadWrite.All'],
      uti: String(this.#issued + 1),
    }
    this.#issued += 1
    return {
      status: 200,
      json: {
        token_type: 'Bearer',
        expires_in: this.#lifetimeSeconds,
        ext_expires_in: this.#lifetimeSeconds,
        access_token: this.#sign(claims),
      },
      headers: { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' },
    }
  }

  /**
   * The principal of an API call for tenant `tenant`.
   *
   * @throws {BcError} BC's 401 for a missing, forged, expired, revoked or other tenant's token
   */
  principal(tenant: string, authorization: string | undefined): Principal {
    const refuse = () => new BcError(BC_ERRORS.unauthorized(), { 'www-authenticate': bcChallenge(tenant) })
    if (!authorization?.startsWith('Bearer ')) throw refuse()
    const claims = this.#verify(authorization.slice(7).trim())
    const nowMs = this.#clock.now().getTime()
    if (
      !claims ||
      claims.exp * 1000 <= nowMs ||
      Number(claims.uti) <= this.#revokedUpTo ||
      claims.tid.toLowerCase() !== tenant.toLowerCase() ||
      claims.aud !== BC_RESOURCE
    ) {
      throw refuse()
    }
    return { clientId: claims.appid }
  }

  #sign(claims: Claims): string {
    const unsigned = `${base64url(JSON.stringify({ typ: 'JWT', alg: 'HS256' }))}.${base64url(JSON.stringify(claims))}`
    return `${unsigned}.${base64url(createHmac('sha256', this.#key).update(unsigned).digest())}`
  }

  #verify(token: string): Claims | undefined {
    const [header, payload, signature] = token.split('.')
    if (!header || !payload || !signature) return undefined
    const expected = base64url(createHmac('sha256', this.#key).update(`${header}.${payload}`).digest())
    if (!sameText(signature, expected)) return undefined
    try {
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims
    } catch {
      return undefined
    }
  }
}
