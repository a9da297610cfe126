import { startedPerTest } from '@ksef-hub/connector-sdk/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { contractClient, contractProblems } from './contract-check.ts'
import { DEFAULT_SCOPES, type FakeHubSpot, type FakeHubSpotOptions, startFakeHubSpot } from './index.ts'

type Json = Record<string, unknown>

const startFake = startedPerTest(afterEach, startFakeHubSpot)

async function start(options: FakeHubSpotOptions = {}) {
  const fake = await startFake(options)
  return { fake, api: contractClient(fake) }
}

/** `POST /oauth/v1/token` with a form, its answer checked against the index. */
async function token(hub: FakeHubSpot, form: Record<string, string>) {
  const response = await fetch(`${hub.url}/oauth/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  })
  const body = (await response.json()) as Json
  expect(
    contractProblems('POST', '/oauth/v1/token', response.status, response.headers.get('content-type') ?? '', body),
  ).toEqual([])
  return { status: response.status, body }
}

const refresh = (hub: FakeHubSpot, refreshToken: string) =>
  token(hub, {
    grant_type: 'refresh_token',
    client_id: hub.clientId,
    client_secret: hub.clientSecret,
    refresh_token: refreshToken,
  })

describe('tokens', () => {
  it('answers 401 INVALID_AUTHENTICATION without a token or with an unknown one; a private app token works', async () => {
    const { api } = await start()
    for (const presented of [null, 'pat-na1-00000000-0000-0000-0000-000000000000']) {
      const answer = await api.call('GET', '/crm/v3/objects/invoices', { token: presented })
      expect([answer.status, (answer.body as Json).category, answer.problems]).toEqual([
        401,
        'INVALID_AUTHENTICATION',
        [],
      ])
    }
    expect((await api.call('GET', '/crm/v3/objects/invoices')).status).toBe(200)
  })

  it('refreshes an OAuth token (the same refresh token back, as HubSpot keeps it), and expires it after 30 minutes', async () => {
    const { fake, api } = await start()
    const refreshToken = fake.oauth.issueRefreshToken()
    const first = await refresh(fake, refreshToken)
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({
      token_type: 'bearer',
      refresh_token: refreshToken,
      expires_in: 1800,
      hub_id: fake.portalId,
    })
    const accessToken = String(first.body.access_token)
    expect((await api.call('GET', '/crm/v3/objects/invoices', { token: accessToken })).status).toBe(200)
    fake.clock.advance(1800_000 + 5 * 60_000)
    const expired = await api.call('GET', '/crm/v3/objects/invoices', { token: accessToken })
    expect([expired.status, expired.body, expired.problems]).toEqual([
      401,
      expect.objectContaining({
        category: 'EXPIRED_AUTHENTICATION',
        message: 'The OAuth token used to make this call expired 5 minute(s) ago.',
      }),
      [],
    ])
    const second = await refresh(fake, refreshToken)
    expect(second.body.refresh_token).toBe(refreshToken)
    expect(fake.oauth.tokensIssued()).toBe(2)
  })

  it('rotates refresh tokens when told to: the used one is then BAD_REFRESH_TOKEN', async () => {
    const { fake } = await start({ rotateRefreshTokens: true })
    const original = fake.oauth.issueRefreshToken()
    const renewed = await refresh(fake, original)
    const next = String(renewed.body.refresh_token)
    expect(next).not.toBe(original)
    expect(fake.oauth.refreshTokens()).toEqual([next])
    const reused = await refresh(fake, original)
    expect([reused.status, reused.body.status, reused.body.message]).toEqual([
      400,
      'BAD_REFRESH_TOKEN',
      'missing or invalid refresh token',
    ])
    fake.oauth.revoke(next)
    expect((await refresh(fake, next)).body.status).toBe('BAD_REFRESH_TOKEN')
  })

  it('exchanges an authorization code once, for its redirect URI, and checks the client', async () => {
    const { fake } = await start()
    const redirect = 'https://hub.example.com/oauth/hubspot/callback'
    const code = fake.oauth.authorizationCode(redirect)
    const form = { grant_type: 'authorization_code', client_id: fake.clientId, client_secret: fake.clientSecret, code }
    expect((await token(fake, { ...form, redirect_uri: 'https://elsewhere.example' })).body.status).toBe(
      'BAD_REDIRECT_URI',
    )
    const granted = await token(fake, { ...form, redirect_uri: redirect })
    expect(granted.status).toBe(200)
    expect(fake.oauth.refreshTokens()).toContain(granted.body.refresh_token)
    expect((await token(fake, { ...form, redirect_uri: redirect })).body.status).toBe('BAD_AUTH_CODE')
    expect((await token(fake, { ...form, client_secret: 'wrong', redirect_uri: redirect })).body.status).toBe(
      'BAD_CLIENT_SECRET',
    )
    expect((await token(fake, { grant_type: 'password' })).body.status).toBe('BAD_GRANT_TYPE')
  })

  it('describes an access token (hub, app, scopes, time left) and a refresh token', async () => {
    const { fake, api } = await start()
    const refreshToken = fake.oauth.issueRefreshToken(['oauth', 'crm.objects.invoices.read'])
    const accessToken = String((await refresh(fake, refreshToken)).body.access_token)
    const info = await api.call('GET', `/oauth/v1/access-tokens/${accessToken}`, { token: null })
    expect([info.status, info.problems]).toEqual([200, []])
    expect(info.body).toMatchObject({
      hub_id: fake.portalId,
      app_id: fake.appId,
      scopes: ['oauth', 'crm.objects.invoices.read'],
    })
    expect((info.body as Json).expires_in).toBeGreaterThan(1790)
    const described = await api.call('GET', `/oauth/v1/refresh-tokens/${refreshToken}`, { token: null })
    expect([described.status, described.problems]).toEqual([200, []])
  })
})

describe('scopes', () => {
  it('answers 403 MISSING_SCOPES naming the scopes an endpoint needs', async () => {
    const { fake, api } = await start({
      scopes: DEFAULT_SCOPES.filter((scope) => scope !== 'tax_rates.read' && !scope.startsWith('files')),
    })
    const rates = await api.call('GET', '/tax-rates/v1/tax-rates/88310001')
    expect([rates.status, rates.problems]).toEqual([403, []])
    expect(rates.body).toMatchObject({
      category: 'MISSING_SCOPES',
      errors: [
        {
          message: 'One or more of the following scopes are required.',
          context: { requiredGranularScopes: expect.arrayContaining(['tax_rates.read']) },
        },
      ],
    })
    expect((await api.call('GET', '/files/v3/files/1')).status).toBe(403)
    const narrow = fake.oauth.issueRefreshToken(['oauth', 'crm.objects.invoices.read'])
    const accessToken = String((await refresh(fake, narrow)).body.access_token)
    const lines = await api.call('GET', '/crm/v3/objects/invoices?associations=line_items', { token: accessToken })
    expect(lines.status).toBe(403)
    expect((await api.call('GET', '/crm/v3/objects/invoices', { token: accessToken })).status).toBe(200)
    const patch = await api.call('PATCH', '/crm/v3/objects/invoices/1', {
      token: accessToken,
      json: { properties: {} },
    })
    expect(
      (patch.body as { errors: { context: { requiredGranularScopes: string[] } }[] }).errors[0]?.context
        .requiredGranularScopes,
    ).toEqual(['crm.objects.invoices.write'])
  })
})
