import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createHttpClient } from '../http/client.ts'
import { type LocalServer, localServer } from '../http/local-server.ts'
import { failure } from '../test-support.ts'
import { clientCredentialsGrant, refreshTokenGrant, type TokenClient } from './oauth2.ts'

const NOW = new Date('2026-11-20T10:00:00Z')

let server: LocalServer
/** The next answer of the token endpoint. */
let next: { status: number; body: string } = { status: 200, body: '{}' }

beforeAll(async () => {
  server = await localServer((_, response) => {
    response.writeHead(next.status, { 'content-type': 'application/json' })
    response.end(next.body)
  })
})

afterAll(async () => {
  await server.close()
})

beforeEach(() => {
  server.received.length = 0
})

const answer = (status: number, body: Record<string, unknown> | string) => {
  next = { status, body: typeof body === 'string' ? body : JSON.stringify(body) }
}
const http = () => createHttpClient({ hosts: [server.origin], backoffMs: () => 1 })
const client = (extra: Partial<TokenClient> = {}): TokenClient => ({
  tokenUrl: `${server.origin}/oauth/token`,
  clientId: 'app id+1',
  clientSecret: 'se:cr&t=%',
  ...extra,
})
const form = () => Object.fromEntries(new URLSearchParams(server.received[0]?.body))

describe('client authentication', () => {
  it('is HTTP Basic by default, with id and secret form-encoded (RFC 6749 §2.3.1)', async () => {
    answer(200, { access_token: 'at', expires_in: 60 })
    await refreshTokenGrant(http(), client(), 'rt', NOW)
    const request = server.received[0]
    expect(request?.method).toBe('POST')
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    const [scheme, encoded] = (request?.headers.authorization ?? '').split(' ')
    expect(scheme).toBe('Basic')
    const [id, secret] = Buffer.from(encoded ?? '', 'base64')
      .toString()
      .split(':')
      .map((part) => decodeURIComponent(part.replaceAll('+', ' ')))
    expect([id, secret]).toEqual(['app id+1', 'se:cr&t=%'])
    expect(form()).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt' })
  })

  it('can go in the form instead', async () => {
    answer(200, { access_token: 'at' })
    await clientCredentialsGrant(http(), client({ clientAuth: 'body' }), 'https://api.example/.default', NOW)
    expect(server.received[0]?.headers.authorization).toBeUndefined()
    expect(form()).toEqual({
      grant_type: 'client_credentials',
      scope: 'https://api.example/.default',
      client_id: 'app id+1',
      client_secret: 'se:cr&t=%',
    })
  })

  it('sends values that need encoding intact', async () => {
    answer(200, { access_token: 'at' })
    await refreshTokenGrant(http(), client(), 'a+b/c=d&e f', NOW)
    expect(form().refresh_token).toBe('a+b/c=d&e f')
    expect(server.received[0]?.body).not.toContain('&e f')
  })
})

describe('the token set', () => {
  it('keeps the rotated refresh token, and every field answered', async () => {
    answer(200, {
      access_token: 'at2',
      refresh_token: 'rt2',
      expires_in: 1800,
      scope: 'a b',
      x_refresh_token_expires_in: 9,
    })
    const tokens = await refreshTokenGrant(http(), client(), 'rt1', NOW)
    expect(tokens).toEqual({
      accessToken: 'at2',
      refreshToken: 'rt2',
      expiresAt: new Date('2026-11-20T10:30:00Z'),
      scope: 'a b',
      raw: { access_token: 'at2', refresh_token: 'rt2', expires_in: 1800, scope: 'a b', x_refresh_token_expires_in: 9 },
    })
  })

  it('keeps the refresh token sent when the server does not rotate it', async () => {
    answer(200, { access_token: 'at2', expires_in: '3599' })
    const tokens = await refreshTokenGrant(http(), client(), 'rt1', NOW)
    expect(tokens.refreshToken).toBe('rt1')
    expect(tokens.expiresAt).toEqual(new Date(NOW.getTime() + 3_599_000))
  })

  it('has no refresh token from client credentials, and no scope unless asked', async () => {
    answer(200, { access_token: 'app' })
    const tokens = await clientCredentialsGrant(http(), client(), undefined, NOW)
    expect(tokens).not.toHaveProperty('refreshToken')
    expect(form()).toEqual({ grant_type: 'client_credentials' })
  })

  it('expires in an hour when expires_in is missing or unreadable, never at an invalid date', async () => {
    for (const expiresIn of [undefined, null, 'soon', -5]) {
      answer(200, { access_token: 'at', expires_in: expiresIn })
      const tokens = await refreshTokenGrant(http(), client(), 'rt', NOW)
      expect(tokens.expiresAt.getTime(), String(expiresIn)).toBe(NOW.getTime() + 3_600_000)
    }
  })
})

describe('refusals', () => {
  it('invalid_grant is auth: the connection needs re-authorization', async () => {
    answer(400, { error: 'invalid_grant', error_description: 'token revoked' })
    const error = await failure(refreshTokenGrant(http(), client(), 'rt', NOW))
    expect(error).toMatchObject({ kind: 'auth', status: 400 })
    expect(error.message).toContain('invalid_grant')
    answer(401, { error: 'invalid_client' })
    expect(await failure(refreshTokenGrant(http(), client(), 'rt', NOW))).toMatchObject({ kind: 'auth', status: 401 })
  })

  it('a refusal without a JSON body is auth too, not a transient failure retried for ever', async () => {
    answer(401, '<html><body>Unauthorized</body></html>')
    expect(await failure(refreshTokenGrant(http(), client(), 'rt', NOW))).toMatchObject({ kind: 'auth', status: 401 })
  })

  it('an answer without an access token is transient', async () => {
    answer(200, { token_type: 'bearer' })
    expect((await failure(refreshTokenGrant(http(), client(), 'rt', NOW))).kind).toBe('transient')
    answer(200, { access_token: '' })
    expect((await failure(refreshTokenGrant(http(), client(), 'rt', NOW))).kind).toBe('transient')
  })

  it('a 5xx is not sent again: the lost answer may have rotated the refresh token', async () => {
    answer(503, { error: 'temporarily_unavailable' })
    expect(await failure(refreshTokenGrant(http(), client(), 'rt', NOW))).toMatchObject({ kind: 'transient' })
    expect(server.received).toHaveLength(1)
  })
})
