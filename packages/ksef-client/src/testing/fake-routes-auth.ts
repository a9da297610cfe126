/**
 * Test support: the fake's public and authentication routes.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import type http from 'node:http'
import { sha256Base64 } from '@ksef-hub/fa3'
import { verifyXades } from '../auth/xades.ts'
import { type FakeContext, problem, type Reply } from './fake-ksef-context.ts'
import { type FakeMfKey, oaepDecrypt, referenceNumber } from './fake-ksef-state.ts'

/**
 * Public and authentication endpoints of the fake (keys, challenge, token and XAdES auth, status, redeem, refresh).
 *
 * @example
 * ```ts
 * const reply = await authRoute(ctx, ...)
 * ```
 */
export async function authRoute(
  ctx: FakeContext,
  method: string,
  path: string,
  req: http.IncomingMessage,
  body: Buffer,
): Promise<Reply | undefined> {
  const { nip, token, tokenKey, challenges, auths, accessTokens, refreshTokens, settings, currentSymmetric, bearer } =
    ctx
  const json = () => JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>
  let m: RegExpExecArray | null
  if (method === 'GET' && path === '/security/public-key-certificates') {
    const item = (key: FakeMfKey, usage: string) => ({
      certificate: key.certificateBase64,
      certificateId: sha256Base64(Buffer.from(key.certificateBase64, 'base64')),
      publicKeyId: key.publicKeyId,
      validFrom: '2025-01-01T00:00:00Z',
      validTo: '2035-01-01T00:00:00Z',
      usage: [usage],
    })
    return {
      status: 200,
      json: [item(tokenKey, 'KsefTokenEncryption'), item(currentSymmetric(), 'SymmetricKeyEncryption')],
    }
  }
  if (method === 'POST' && path === '/auth/challenge') {
    const challenge = `${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-CR-${randomBytes(5).toString('hex').toUpperCase()}-${randomBytes(5).toString('hex').toUpperCase()}-00`
    const timestampMs = Date.now()
    challenges.set(challenge, timestampMs)
    return {
      status: 200,
      json: { challenge, timestamp: new Date(timestampMs).toISOString(), timestampMs, clientIp: '127.0.0.1' },
    }
  }
  const startAuth = (contextNip: string, statusCode: number, description: string): Reply => {
    const ref = referenceNumber('AU')
    const authToken = `auth.${randomBytes(16).toString('hex')}`
    auths.set(ref, {
      nip: contextNip,
      authToken,
      statusCode,
      description,
      pendingReads: settings.authPendingReads,
      redeemed: false,
    })
    return {
      status: 202,
      json: {
        referenceNumber: ref,
        authenticationToken: { token: authToken, validUntil: new Date(Date.now() + 600_000).toISOString() },
      },
    }
  }
  if (method === 'POST' && path === '/auth/ksef-token') {
    const input = json() as {
      challenge: string
      contextIdentifier: { value: string }
      encryptedToken: string
      publicKeyId?: string
    }
    if (input.publicKeyId && input.publicKeyId !== tokenKey.publicKeyId)
      return problem(400, 21470, 'Nieznany klucz publiczny.')
    const issued = challenges.get(input.challenge)
    if (issued === undefined) return problem(400, 21111, 'Nieprawidłowe wyzwanie autoryzacyjne.')
    const [sentToken, sentTs] = oaepDecrypt(tokenKey, Buffer.from(input.encryptedToken, 'base64'))
      .toString('utf8')
      .split('|')
    const ok = sentToken === token && Number(sentTs) === issued && input.contextIdentifier.value === nip
    return startAuth(
      input.contextIdentifier.value,
      ok ? 200 : 450,
      ok
        ? 'Uwierzytelnianie zakończone sukcesem'
        : 'Uwierzytelnianie zakończone niepowodzeniem z powodu nieprawidłowego tokenu',
    )
  }
  if (method === 'POST' && path === '/auth/xades-signature') {
    const xml = body.toString('utf8')
    const context = /<Nip>(\d{10})<\/Nip>/.exec(xml)?.[1] ?? ''
    const valid = await verifyXades(xml).catch(() => false)
    if (!valid) return problem(400, 21117, 'Nieprawidłowy podpis.')
    return startAuth(context, 200, 'Uwierzytelnianie zakończone sukcesem')
  }
  m = method === 'GET' ? /^\/auth\/([^/]+)$/.exec(path) : null
  if (m && m[1] !== 'sessions') {
    const auth = auths.get(m[1] ?? '')
    if (!auth || auth.authToken !== bearer(req))
      return { status: 401, json: { title: 'Unauthorized', status: 401, detail: 'bad token' } }
    if (auth.pendingReads > 0) {
      auth.pendingReads -= 1
      return {
        status: 200,
        json: {
          startDate: new Date().toISOString(),
          authenticationMethodInfo: { category: 'Token', code: 'token', displayName: 'Token' },
          status: { code: 100, description: 'Uwierzytelnianie w toku' },
        },
      }
    }
    return {
      status: 200,
      json: {
        startDate: new Date().toISOString(),
        authenticationMethodInfo: { category: 'Token', code: 'token', displayName: 'Token' },
        status: { code: auth.statusCode, description: auth.description },
      },
    }
  }
  if (method === 'POST' && path === '/auth/token/redeem') {
    const auth = [...auths.values()].find((candidate) => candidate.authToken === bearer(req))
    if (auth?.statusCode !== 200)
      return { status: 401, json: { title: 'Unauthorized', status: 401, detail: 'bad token' } }
    if (auth.redeemed) return problem(400, 21301, 'Token został już pobrany.')
    auth.redeemed = true
    const access = `access.${randomBytes(16).toString('hex')}`
    const refresh = `refresh.${randomBytes(16).toString('hex')}`
    accessTokens.set(access, { nip: auth.nip, expiresAt: Date.now() + settings.accessTokenLifetimeMs })
    refreshTokens.set(refresh, auth.nip)
    return {
      status: 200,
      json: {
        accessToken: {
          token: access,
          validUntil: new Date(Date.now() + settings.accessTokenLifetimeMs).toISOString(),
        },
        refreshToken: { token: refresh, validUntil: new Date(Date.now() + 7 * 864e5).toISOString() },
      },
    }
  }
  if (method === 'POST' && path === '/auth/token/refresh') {
    const owner = refreshTokens.get(bearer(req))
    if (!owner) return problem(400, 21304, 'Brak uwierzytelnienia.')
    const access = `access.${randomBytes(16).toString('hex')}`
    accessTokens.set(access, { nip: owner, expiresAt: Date.now() + settings.accessTokenLifetimeMs })
    return {
      status: 200,
      json: {
        accessToken: {
          token: access,
          validUntil: new Date(Date.now() + settings.accessTokenLifetimeMs).toISOString(),
        },
      },
    }
  }
  return undefined
}
