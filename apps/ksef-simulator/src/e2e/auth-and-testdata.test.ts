import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningSimulator, startSimulator } from '../index.ts'
import { invoiceXml } from '../testing/invoices.ts'
import { admin, MiniKsef } from '../testing/mini-client.ts'
import { signedAuthRequest, testSigner } from '../testing/xades-signer.ts'

const NIP = '5265877635'
const PESEL = '90010112345'

describe('authentication sessions, tokens, limits and /testdata, over HTTP', () => {
  let sim: RunningSimulator
  let ksef: MiniKsef

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 })
    ksef = new MiniKsef(sim.url)
  })
  afterAll(() => sim.close())

  it('lists authentication sessions, refreshes, and revokes the current one', async () => {
    const { token } = (await admin(sim.adminUrl, 'POST', '/tokens', { nip: NIP })).json
    const one = await ksef.loginWithKsefToken(NIP, token)
    const two = await ksef.loginWithKsefToken(NIP, token)
    const list = await ksef.call('GET', '/auth/sessions?pageSize=10', { token: two.accessToken })
    expect(list.json.items.length).toBeGreaterThanOrEqual(2)
    expect(list.json.items.filter((item: { isCurrent: boolean }) => item.isCurrent)).toHaveLength(1)
    const refreshed = await ksef.call('POST', '/auth/token/refresh', { token: one.refreshToken })
    expect(refreshed.status).toBe(200)
    expect((await ksef.call('DELETE', '/auth/sessions/current', { token: one.accessToken })).status).toBe(204)
    const refused = await ksef.call('POST', '/auth/token/refresh', { token: one.refreshToken })
    expect(refused.status).toBe(400)
    expect(refused.json.exception.exceptionDetailList[0].exceptionCode).toBe(21301)
    // Issued access tokens live until they expire.
    expect((await ksef.call('GET', '/limits/context', { token: one.accessToken })).status).toBe(200)
  })

  it('reports limits and lists tokens', async () => {
    const { token } = (
      await admin(sim.adminUrl, 'POST', '/tokens', { nip: NIP, permissions: ['InvoiceWrite', 'CredentialsRead'] })
    ).json
    const login = await ksef.loginWithKsefToken(NIP, token)
    const context = await ksef.call('GET', '/limits/context', { token: login.accessToken })
    expect(context.json.onlineSession).toEqual({
      maxInvoiceSizeInMB: 1,
      maxInvoiceWithAttachmentSizeInMB: 3,
      maxInvoices: 10000,
    })
    expect((await ksef.call('GET', '/limits/subject', { token: login.accessToken })).status).toBe(200)
    const tokens = await ksef.call('GET', '/tokens?pageSize=10', { token: login.accessToken })
    expect(tokens.json.tokens.length).toBeGreaterThanOrEqual(1)
    const limits = {
      onlineSession: { maxInvoiceSizeInMB: 1, maxInvoiceWithAttachmentSizeInMB: 3, maxInvoices: 1 },
      batchSession: context.json.batchSession,
    }
    expect(
      (await ksef.call('POST', '/testdata/limits/context/session', { token: login.accessToken, json: limits })).status,
    ).toBe(200)
    const session = await ksef.openOnline(login.accessToken)
    expect(
      (await ksef.sendOnline(login.accessToken, session, invoiceXml({ sellerNip: NIP, number: 'FV/LIMIT/1' }))).status,
    ).toBe(202)
    const over = await ksef.sendOnline(login.accessToken, session, invoiceXml({ sellerNip: NIP, number: 'FV/LIMIT/2' }))
    expect(over.json.exception.exceptionDetailList[0].exceptionCode).toBe(21155)
    expect((await ksef.call('DELETE', '/testdata/limits/context/session', { token: login.accessToken })).status).toBe(
      200,
    )
  })

  it('/testdata: a person linked to a NIP logs in with a PESEL certificate; granted permissions; blocked contexts', async () => {
    const person = await testSigner({ pesel: PESEL })
    const challenge = async () => (await ksef.call('POST', '/auth/challenge')).json.challenge as string
    const login = async (nip: string) => {
      const init = await ksef.call('POST', '/auth/xades-signature', {
        body: signedAuthRequest(person, { challenge: await challenge(), nip }),
        headers: { 'content-type': 'application/xml' },
      })
      return ksef.finishLogin(init.json)
    }
    expect((await login('1111111111')).status.code).toBe(415)
    const created = await ksef.call('POST', '/testdata/person', {
      json: { nip: '1111111111', pesel: PESEL, isBailiff: false, description: 'Test person' },
    })
    expect(created.status).toBe(200)
    expect(
      (
        await ksef.call('POST', '/testdata/person', {
          json: { nip: '1111111111', pesel: PESEL, isBailiff: false, description: 'Again person' },
        })
      ).json.exception.exceptionDetailList[0].exceptionCode,
    ).toBe(30001)
    expect((await login('1111111111')).status.code).toBe(200)

    expect((await login('7352765225')).status.code).toBe(415)
    const granted = await ksef.call('POST', '/testdata/permissions', {
      json: {
        contextIdentifier: { type: 'Nip', value: '7352765225' },
        authorizedIdentifier: { type: 'Pesel', value: PESEL },
        permissions: [{ permissionType: 'InvoiceRead', description: 'read invoices' }],
      },
    })
    expect(granted.status).toBe(200)
    const reader = await login('7352765225')
    expect(reader.status.code).toBe(200)
    const forbidden = await ksef.call('POST', '/sessions/online', { token: reader.accessToken, json: {} })
    expect(forbidden.json.security.presentPermissions).toEqual(['InvoiceRead'])

    await ksef.call('POST', '/testdata/context/block', {
      json: { contextIdentifier: { type: 'Nip', value: '7352765225' } },
    })
    expect((await login('7352765225')).status.code).toBe(480)
    await ksef.call('POST', '/testdata/context/unblock', {
      json: { contextIdentifier: { type: 'Nip', value: '7352765225' } },
    })
    expect((await login('7352765225')).status.code).toBe(200)
  })

  it('lists batch sessions with status filters', async () => {
    const { token } = (await admin(sim.adminUrl, 'POST', '/tokens', { nip: NIP })).json
    const login = await ksef.loginWithKsefToken(NIP, token)
    const list = await ksef.call('GET', '/sessions?sessionType=Batch&statuses=Succeeded&statuses=Failed', {
      token: login.accessToken,
    })
    expect(list.json).toEqual({ continuationToken: null, sessions: [] })
    const bad = await ksef.call('GET', '/sessions?sessionType=Other', { token: login.accessToken })
    expect(bad.json.exception.exceptionDetailList[0].exceptionCode).toBe(21405)
  })
})
