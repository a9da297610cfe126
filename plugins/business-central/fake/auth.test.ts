import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { contractClient, contractProblems } from './contract-check.ts'
import { type FakeBc, startFakeBc } from './index.ts'

let bc: FakeBc

beforeEach(async () => {
  bc = await startFakeBc({ companies: 1, tokenLifetimeSeconds: 600 })
})
afterEach(() => bc.close())

type EntraError = { error: string; error_description: string; error_codes: number[] }

/** POSTs a token request and checks the answer against Entra's documented shapes. */
async function token(form: Record<string, string>, init: { url?: string; headers?: Record<string, string> } = {}) {
  const url = init.url ?? bc.tokenUrl
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...init.headers },
    body: new URLSearchParams(form),
  })
  const body = (await response.json()) as Record<string, unknown>
  expect(contractProblems(bc, 'POST', url, response.status, response.headers, body)).toEqual([])
  return { status: response.status, body }
}

const grant = () => ({
  grant_type: 'client_credentials',
  client_id: bc.credentials.clientId,
  client_secret: bc.credentials.clientSecret,
  scope: 'https://api.businesscentral.dynamics.com/.default',
})

describe("Entra ID's client credentials grant", () => {
  it('issues a Bearer token with its lifetime and no refresh token, secret in the body or as Basic', async () => {
    const issued = await token(grant())
    expect(issued.status).toBe(200)
    expect(issued.body).toMatchObject({ token_type: 'Bearer', expires_in: 600, ext_expires_in: 600 })
    expect(issued.body).not.toHaveProperty('refresh_token')
    expect(String(issued.body.access_token).split('.')).toHaveLength(3)
    const { client_id, client_secret, ...rest } = grant()
    const basic = Buffer.from(`${client_id}:${client_secret}`).toString('base64')
    expect((await token(rest, { headers: { authorization: `Basic ${basic}` } })).status).toBe(200)
    expect(bc.tokensIssued()).toBe(2)
  })

  it('answers as Entra does: a wrong secret, an unknown app, a wrong scope, an unknown tenant, no grant', async () => {
    const wrong = await token({ ...grant(), client_secret: 'not-the-secret' })
    expect([wrong.status, wrong.body.error, (wrong.body as EntraError).error_codes]).toEqual([
      401,
      'invalid_client',
      [7000215],
    ])
    expect((wrong.body as EntraError).error_description).toMatch(/^AADSTS7000215: Invalid client secret provided/)
    const app = await token({ ...grant(), client_id: '00000000-0000-0000-0000-000000000001' })
    expect([app.status, app.body.error]).toEqual([400, 'unauthorized_client'])
    const scope = await token({ ...grant(), scope: 'https://api.businesscentral.dynamics.com/API.ReadWrite.All' })
    expect([scope.status, scope.body.error]).toEqual([400, 'invalid_scope'])
    const graph = await token({ ...grant(), scope: 'https://graph.microsoft.com/.default' })
    expect([graph.status, graph.body.error]).toEqual([400, 'invalid_resource'])
    const tenant = await token(grant(), {
      url: bc.tokenUrl.replace(bc.credentials.entraTenantId, 'contoso.onmicrosoft.com'),
    })
    expect([tenant.status, tenant.body.error]).toEqual([400, 'invalid_request'])
    const { grant_type: _grant, ...noGrant } = grant()
    expect((await token(noGrant)).body.error).toBe('invalid_request')
    expect((await token({ ...grant(), grant_type: 'refresh_token' })).body.error).toBe('unsupported_grant_type')
    expect(bc.tokensIssued()).toBe(0)
  })
})

describe('the bearer token on the API', () => {
  const companies = () => `${bc.apiBase}/companies`

  it('refuses a call without one, with a forged one, or with another tenant in the URL: 401 with BC error bodies', async () => {
    const bare = await fetch(companies())
    const body = (await bare.json()) as { error: { code: string } }
    expect(contractProblems(bc, 'GET', companies(), bare.status, bare.headers, body)).toEqual([])
    expect([bare.status, body.error.code]).toEqual([401, 'Authentication_InvalidCredentials'])
    expect(bare.headers.get('www-authenticate')).toMatch(/^Bearer authorization_uri=/)
    const issued = String((await token(grant())).body.access_token)
    const [header, payload] = issued.split('.')
    const forged = `${header}.${payload}.${Buffer.from('x').toString('base64url')}`
    expect((await fetch(companies(), { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401)
    const elsewhere = companies().replace(bc.credentials.entraTenantId, '11111111-2222-3333-4444-555555555555')
    expect((await fetch(elsewhere, { headers: { authorization: `Bearer ${issued}` } })).status).toBe(401)
    expect((await fetch(companies(), { headers: { authorization: `Bearer ${issued}` } })).status).toBe(200)
  })

  it('expires on the fake clock, and a new token works again', async () => {
    const api = contractClient(bc)
    expect((await api.call('GET', '/companies')).status).toBe(200)
    bc.clock.advance(601_000)
    const expired = await api.call('GET', '/companies')
    expect([expired.status, expired.problems]).toEqual([401, []])
    api.forget()
    expect((await api.call('GET', '/companies')).status).toBe(200)
    expect(bc.tokensIssued()).toBe(2)
  })

  it('stops working when the test revokes every token issued', async () => {
    const api = contractClient(bc)
    expect((await api.call('GET', '/companies')).status).toBe(200)
    bc.expireTokens()
    expect((await api.call('GET', '/companies')).status).toBe(401)
    api.forget()
    expect((await api.call('GET', '/companies')).status).toBe(200)
  })

  it('answers 404 for an environment the tenant does not have', async () => {
    const issued = String((await token(grant())).body.access_token)
    const sandbox = companies().replace('/production/', '/sandbox/')
    expect((await fetch(sandbox, { headers: { authorization: `Bearer ${issued}` } })).status).toBe(404)
  })
})
