/**
 * One login, step by step: challenge, KSeF-token or XAdES init, polling the authentication status, redeem.
 *
 * @module
 */

import { type PublicKeyCache, rsaOaepEncrypt } from '../crypto/public-keys.ts'
import { classifyAuthStatus } from '../errors/ksef-codes.ts'
import { KsefTransientError, makeKsefError } from '../errors/ksef-error.ts'
import type { CallOptions, KsefHttp } from '../http/ksef-http.ts'
import { OPERATIONS } from '../http/operations.ts'
import { abortableSleep } from '../util/sleep.ts'
import type { ContextIdentifier, KsefCredentials } from './credentials.ts'
import { authTokenRequestXml, signXades } from './xades.ts'

/** `TokenInfo`: a token and its expiry. */
export interface TokenInfo {
  readonly token: string
  readonly validUntil: string
}

/** `AuthenticationChallengeResponse` (the fields used). */
export interface ChallengeResponse {
  readonly challenge: string
  readonly timestamp: string
  readonly timestampMs: number
}

/** `AuthenticationInitResponse`. */
export interface InitResponse {
  readonly referenceNumber: string
  readonly authenticationToken: TokenInfo
}

interface AuthStatusResponse {
  readonly status: { readonly code: number; readonly description: string; readonly details?: readonly string[] | null }
}

/** `AuthenticationTokensResponse`. */
export interface RedeemResponse {
  readonly accessToken: TokenInfo
  readonly refreshToken: TokenInfo
}

/** What a login needs. */
export interface LoginDeps {
  readonly http: KsefHttp
  readonly keys: PublicKeyCache
  readonly context: ContextIdentifier
  readonly credentials: KsefCredentials
  readonly maxAuthWaitMs: number
  readonly pollIntervalMs: number
}

/** What a login yields. Secret: never log it. */
export interface LoginResult {
  readonly referenceNumber: string
  readonly accessToken: TokenInfo
  readonly refreshToken: TokenInfo
}

/**
 * The expiry of a token: its `validUntil`, else the JWT `exp` claim, else ten minutes from now.
 *
 * @example
 * ```ts
 * tokenExpiry({ token, validUntil: '2026-01-01T10:00:00Z' }) // 1767261600000
 * ```
 */
export function tokenExpiry(info: TokenInfo): number {
  const parsed = Date.parse(info.validUntil)
  if (!Number.isNaN(parsed)) return parsed
  // Fall back to the JWT's exp claim.
  try {
    const payload = JSON.parse(Buffer.from(info.token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: number
    }
    if (typeof payload.exp === 'number') return payload.exp * 1000
  } catch {}
  return Date.now() + 10 * 60_000
}

/**
 * Performs one login and registers every token it sees as a secret.
 *
 * @example
 * ```ts
 * const { accessToken, refreshToken } = await runLogin(deps, { timeoutMs: 10_000 })
 * ```
 */
export async function runLogin(deps: LoginDeps, options: CallOptions): Promise<LoginResult> {
  const http = deps.http
  const challengeResponse = await http.call(OPERATIONS.authChallenge, options)
  const challenge = http.json<ChallengeResponse>(challengeResponse, OPERATIONS.authChallenge)
  const init = await initAuth(deps, challenge, options)
  http.secrets.add(init.authenticationToken.token)
  await waitForAuth(deps, init, options)
  const redeemResponse = await http.call(OPERATIONS.authRedeem, { ...options, bearer: init.authenticationToken.token })
  const redeemed = http.json<RedeemResponse>(redeemResponse, OPERATIONS.authRedeem)
  http.secrets.add(redeemed.accessToken.token)
  http.secrets.add(redeemed.refreshToken.token)
  return {
    referenceNumber: init.referenceNumber,
    accessToken: redeemed.accessToken,
    refreshToken: redeemed.refreshToken,
  }
}

async function initAuth(deps: LoginDeps, challenge: ChallengeResponse, options: CallOptions): Promise<InitResponse> {
  const http = deps.http
  const credentials = deps.credentials
  if (credentials.kind === 'token') {
    const key = await deps.keys.get('KsefTokenEncryption', options)
    const plaintext = Buffer.from(`${credentials.token}|${challenge.timestampMs}`, 'utf8')
    const response = await http.call(OPERATIONS.authKsefToken, {
      ...options,
      json: {
        challenge: challenge.challenge,
        contextIdentifier: deps.context,
        encryptedToken: rsaOaepEncrypt(key.key, plaintext).toString('base64'),
        ...(key.publicKeyId ? { publicKeyId: key.publicKeyId } : {}),
      },
    })
    return http.json<InitResponse>(response, OPERATIONS.authKsefToken)
  }
  const unsigned = authTokenRequestXml(challenge.challenge, deps.context, credentials.subjectIdentifierType)
  const signed =
    credentials.kind === 'certificate'
      ? await signXades(unsigned, credentials.certificate, credentials.privateKey)
      : await credentials.sign(unsigned)
  const response = await http.call(OPERATIONS.authXades, {
    ...options,
    body: Buffer.from(signed, 'utf8'),
    contentType: 'application/xml',
    ...(credentials.verifyCertificateChain !== undefined
      ? { query: { verifyCertificateChain: credentials.verifyCertificateChain } }
      : {}),
  })
  return http.json<InitResponse>(response, OPERATIONS.authXades)
}

async function waitForAuth(deps: LoginDeps, init: InitResponse, options: CallOptions): Promise<void> {
  const started = Date.now()
  let interval = deps.pollIntervalMs
  for (;;) {
    const response = await deps.http.call(OPERATIONS.authStatus, {
      ...options,
      pathParams: { referenceNumber: init.referenceNumber },
      bearer: init.authenticationToken.token,
    })
    const { status } = deps.http.json<AuthStatusResponse>(response, OPERATIONS.authStatus)
    const kind = classifyAuthStatus(status.code)
    if (kind === 'succeeded') return
    if (kind !== 'pending') {
      const details = status.details ?? []
      throw makeKsefError(kind, {
        code: String(status.code),
        ksefCode: status.code,
        operation: 'authStatus',
        details,
        message: deps.http.secrets.redact(
          `authentication ${init.referenceNumber} failed: ${status.code} ${status.description}${details.length ? ` (${details.join('; ')})` : ''}`,
        ),
      })
    }
    if (Date.now() - started > deps.maxAuthWaitMs) {
      throw new KsefTransientError({
        code: 'AUTH_PENDING',
        operation: 'authStatus',
        message: `authentication ${init.referenceNumber} still in progress after ${deps.maxAuthWaitMs} ms`,
      })
    }
    try {
      await abortableSleep(interval, options.signal)
    } catch {
      throw new KsefTransientError({
        code: 'ABORTED',
        operation: 'authStatus',
        message: 'login aborted by the caller',
      })
    }
    interval = Math.min(interval * 1.5, 2_000)
  }
}
