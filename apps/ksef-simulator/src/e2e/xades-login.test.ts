import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningSimulator, startSimulator } from '../index.ts'
import { invoiceXml } from '../testing/invoices.ts'
import { MiniKsef } from '../testing/mini-client.ts'
import { signedAuthRequest, type TestSigner, testSigner } from '../testing/xades-signer.ts'

const NIP = '5265877635'

describe('XAdES login with self-signed certificates, as on TEST', () => {
  let sim: RunningSimulator
  let ksef: MiniKsef
  let seal: TestSigner

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 })
    ksef = new MiniKsef(sim.url)
    seal = await testSigner({ nip: NIP })
  })
  afterAll(() => sim.close())

  const challenge = async () => (await ksef.call('POST', '/auth/challenge')).json.challenge as string
  const post = (xml: string) =>
    ksef.call('POST', '/auth/xades-signature', { body: xml, headers: { 'content-type': 'application/xml' } })
  const code = (reply: { json: { exception: { exceptionDetailList: { exceptionCode: number }[] } } }) =>
    reply.json.exception.exceptionDetailList[0]?.exceptionCode

  it('logs in the NIP owner, creates a KSeF token with POST /tokens, and the token logs in too', async () => {
    const init = await post(signedAuthRequest(seal, { challenge: await challenge(), nip: NIP }))
    expect(init.status).toBe(202)
    const login = await ksef.finishLogin(init.json)
    expect(login.status.code).toBe(200)
    const status = await ksef.call('GET', `/auth/${init.json.referenceNumber}`, {
      token: init.json.authenticationToken.token,
    })
    expect(status.json.authenticationMethodInfo.category).toBe('XadesSignature')
    expect(status.json.isTokenRedeemed).toBe(true)

    const created = await ksef.call('POST', '/tokens', {
      token: login.accessToken,
      json: { permissions: ['InvoiceWrite', 'InvoiceRead'], description: 'ERP integration' },
    })
    expect(created.status).toBe(202)
    const info = await ksef.call('GET', `/tokens/${created.json.referenceNumber}`, { token: login.accessToken })
    expect(info.json).toMatchObject({ status: 'Active', requestedPermissions: ['InvoiceWrite', 'InvoiceRead'] })
    const viaToken = await ksef.loginWithKsefToken(NIP, created.json.token)
    expect(viaToken.status.code).toBe(200)
    const session = await ksef.openOnline(viaToken.accessToken)
    const sent = await ksef.sendOnline(
      viaToken.accessToken,
      session,
      invoiceXml({ sellerNip: NIP, number: 'FV/XADES/1' }),
    )
    expect(sent.status).toBe(202)

    // A token login may not create tokens; revoking the token ends its logins.
    const refused = await ksef.call('POST', '/tokens', {
      token: viaToken.accessToken,
      json: { permissions: ['InvoiceRead'], description: 'again' },
    })
    expect(refused.status).toBe(403)
    expect(
      (await ksef.call('DELETE', `/tokens/${created.json.referenceNumber}`, { token: login.accessToken })).status,
    ).toBe(204)
    const afterRevoke = await ksef.loginWithKsefToken(NIP, created.json.token)
    expect(afterRevoke.status).toMatchObject({ code: 450, details: ['Token unieważniony'] })
  })

  it('accepts ECDSA P-256 signatures (r||s)', async () => {
    const ec = await testSigner({ nip: NIP, kind: 'ec' })
    const init = await post(signedAuthRequest(ec, { challenge: await challenge(), nip: NIP }))
    expect(init.status).toBe(202)
    expect((await ksef.finishLogin(init.json)).status.code).toBe(200)
  })

  it('really verifies: a document changed after signing is refused (9105)', async () => {
    const other = await challenge()
    const xml = signedAuthRequest(seal, { challenge: await challenge(), nip: NIP }, (text) =>
      text.replace(/<Challenge>[^<]+<\/Challenge>/, `<Challenge>${other}</Challenge>`),
    )
    const reply = await post(xml)
    expect(reply.status).toBe(400)
    expect(code(reply)).toBe(9105)
  })

  it('checks the challenge: unknown or reused challenges get 21111', async () => {
    const unknown = await post(signedAuthRequest(seal, { challenge: '20250101-CR-0000000000-0000000000-00', nip: NIP }))
    expect(code(unknown)).toBe(21111)
    const once = await challenge()
    expect((await post(signedAuthRequest(seal, { challenge: once, nip: NIP }))).status).toBe(202)
    expect(code(await post(signedAuthRequest(seal, { challenge: once, nip: NIP })))).toBe(21111)
  })

  it('refuses unsigned documents (9102) and DTDs (9101); a stranger has no permissions (415)', async () => {
    const unsigned = `<AuthTokenRequest xmlns="http://ksef.mf.gov.pl/auth/token/2.0"><Challenge>${await challenge()}</Challenge><ContextIdentifier><Nip>${NIP}</Nip></ContextIdentifier><SubjectIdentifierType>certificateSubject</SubjectIdentifierType></AuthTokenRequest>`
    expect(code(await post(unsigned))).toBe(9102)
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><AuthTokenRequest>&lol2;</AuthTokenRequest>`
    expect(code(await post(bomb))).toBe(9101)
    const stranger = await testSigner({ nip: '1111111111' })
    const init = await post(signedAuthRequest(stranger, { challenge: await challenge(), nip: NIP }))
    expect(init.status).toBe(202)
    expect((await ksef.finishLogin(init.json)).status).toMatchObject({ code: 415 })
  })

  it('with verifyCertificateChain=true a self-signed certificate is not trusted (460)', async () => {
    const reply = await ksef.call('POST', '/auth/xades-signature?verifyCertificateChain=true', {
      body: signedAuthRequest(seal, { challenge: await challenge(), nip: NIP }),
      headers: { 'content-type': 'application/xml' },
    })
    expect(reply.status).toBe(202)
    expect((await ksef.finishLogin(reply.json)).status).toMatchObject({
      code: 460,
      details: ['Niezaufany łańcuch certyfikatów'],
    })
  })
})
