import { parseInvoiceXml, sha256Base64 } from '@ksef-hub/fa3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeKsef, startFakeKsef } from './testing/fake-ksef.ts'
import { sampleInvoice } from './testing/sample-invoice.ts'
import { fixtureText } from './testing/test-certificates.ts'
import { fakeClient } from './testing/test-client.ts'

let fake: FakeKsef
beforeAll(async () => {
  fake = await startFakeKsef()
})
afterAll(async () => fake.close())

const poll = { intervalMs: 10, maxWaitMs: 5_000 }

describe('login', () => {
  it('logs in with a KSeF token: challenge, encrypted token, status, redeem', async () => {
    const client = fakeClient(fake)
    const state = await client.login()
    expect(state.loggedIn).toBe(true)
    const init = fake.requests.find((request) => request.path === '/auth/ksef-token')
    const body = JSON.parse(init?.body.toString() ?? '{}') as Record<string, unknown>
    expect(body.contextIdentifier).toEqual({ type: 'Nip', value: fake.nip })
    expect(typeof body.publicKeyId).toBe('string')
    expect(JSON.stringify(body)).not.toContain(fake.token)
  })

  it('logs in with a XAdES signature (qualified seal, EC)', async () => {
    const client = fakeClient(fake, {
      credentials: {
        kind: 'certificate',
        certificate: fixtureText('seal-ec.cert.pem'),
        privateKey: fixtureText('seal-ec.key.pem'),
      },
    })
    expect((await client.login()).loggedIn).toBe(true)
    const xades = fake.requests.findLast((request) => request.path === '/auth/xades-signature')
    expect(xades?.headers['content-type']).toBe('application/xml')
  })

  it('a wrong token is a configuration error carrying the auth status 450', async () => {
    const client = fakeClient(fake, { credentials: { kind: 'token', token: 'not-the-right-token-at-all' } })
    await expect(client.login()).rejects.toMatchObject({ errorClass: 'configuration', code: '450' })
  })

  it('refreshes the access token before it expires, and logs in again when the refresh token is gone', async () => {
    fake.settings.accessTokenLifetimeMs = 400
    const client = fakeClient(fake, { auth: { pollIntervalMs: 10, refreshMarginMs: 60_000 } })
    await client.login()
    const before = fake.requests.filter((request) => request.path === '/auth/token/refresh').length
    const session = await client.openOnlineSession()
    await new Promise((resolve) => setTimeout(resolve, 250))
    await client.getSessionStatus(session.referenceNumber)
    expect(fake.requests.filter((request) => request.path === '/auth/token/refresh').length).toBeGreaterThan(before)
    await client.logout()
    const logins = fake.requests.filter((request) => request.path === '/auth/token/redeem').length
    await client.login()
    await client.openOnlineSession()
    expect(fake.requests.filter((request) => request.path === '/auth/token/redeem').length).toBeGreaterThan(logins)
    fake.settings.accessTokenLifetimeMs = 15 * 60_000
  })
})

describe('online session', () => {
  it('sends an invoice, polls it to 200, downloads and parses its UPO', async () => {
    const client = fakeClient(fake)
    const bytes = sampleInvoice({ number: `FV/ONLINE/${Date.now()}` })
    const sent = await client.sendInvoice(bytes)
    expect(sent.referenceNumber).toHaveLength(36)
    expect(sent.invoiceHash).toBe(sha256Base64(bytes))
    const outcome = await client.waitForInvoice(sent, poll)
    if (outcome.kind !== 'accepted') throw new Error(`not accepted: ${outcome.kind}`)
    expect(outcome.ksefNumber).toMatch(/^5265877635-\d{8}-[0-9A-F]{12}-[0-9A-F]{2}$/)
    const upo = await client.downloadInvoiceUpo(sent.sessionReferenceNumber, {
      invoiceReferenceNumber: sent.referenceNumber,
    })
    expect(upo.parsed?.documents[0]?.ksefNumber).toBe(outcome.ksefNumber)
    expect(upo.parsed?.documents[0]?.documentHash).toBe(sent.invoiceHash)
    const byNumber = await client.downloadInvoiceUpo(sent.sessionReferenceNumber, { ksefNumber: outcome.ksefNumber })
    expect(Buffer.from(byNumber.bytes).equals(Buffer.from(upo.bytes))).toBe(true)
    const viaUrl = await client.downloadUpoFromUrl(outcome.status.upoDownloadUrl ?? '')
    expect(viaUrl.parsed?.documents[0]?.ksefNumber).toBe(outcome.ksefNumber)
  })

  it('reuses one session for many invoices, closes it and reads the session UPO', async () => {
    const client = fakeClient(fake)
    const sent = []
    for (let i = 0; i < 3; i += 1)
      sent.push(await client.sendInvoice(sampleInvoice({ number: `FV/REUSE/${Date.now()}/${i}` })))
    expect(new Set(sent.map((item) => item.sessionReferenceNumber)).size).toBe(1)
    const [closed] = await client.closeSessions()
    expect(closed).toBe(sent[0]?.sessionReferenceNumber)
    const { pages } = await client.downloadSessionUpo('online', closed ?? '', poll)
    expect(pages).toHaveLength(1)
    expect(pages[0]?.parsed?.documents).toHaveLength(3)
    expect(pages[0]?.parsed?.page?.total).toBe(3)
  })

  it('a duplicate (440) comes back with the original KSeF number and session', async () => {
    const client = fakeClient(fake)
    const number = `FV/DUP/${Date.now()}`
    const first = await client.sendInvoice(sampleInvoice({ number }))
    const original = await client.waitForInvoice(first, poll)
    const second = await client.sendInvoice(sampleInvoice({ number }))
    const outcome = await client.waitForInvoice(second, poll)
    if (outcome.kind !== 'duplicate' || original.kind !== 'accepted') throw new Error(outcome.kind)
    expect(outcome.originalKsefNumber).toBe(original.ksefNumber)
    expect(outcome.originalSessionReferenceNumber).toBe(first.sessionReferenceNumber)
    expect(outcome.error.errorClass).toBe('duplicate')
    expect(outcome.error.code).toBe('440')
  })

  it('a semantically wrong invoice fails as permanent with its status code', async () => {
    const client = fakeClient(fake)
    const sent = await client.sendInvoice(Buffer.from('<Faktura xmlns="http://crd.gov.pl/wzor/2025/06/25/13775/"/>'))
    const outcome = await client.waitForInvoice(sent, poll)
    if (outcome.kind !== 'failed') throw new Error(outcome.kind)
    expect(outcome.error.errorClass).toBe('permanent')
    expect(outcome.error.code).toBe('450')
  })

  it('sends offline invoices and a technical correction', async () => {
    const client = fakeClient(fake)
    const rejected = sampleInvoice({ number: `FV/OFF/${Date.now()}` })
    const fixed = sampleInvoice({ number: `FV/OFF/${Date.now()}/fixed` })
    const sent = await client.sendInvoice(fixed, { offlineMode: true, hashOfCorrectedInvoice: sha256Base64(rejected) })
    const request = fake.requests.findLast((item) => item.path.endsWith('/invoices') && item.method === 'POST')
    expect(JSON.parse(request?.body.toString() ?? '{}')).toMatchObject({
      offlineMode: true,
      hashOfCorrectedInvoice: sha256Base64(rejected),
    })
    const outcome = await client.waitForInvoice(sent, poll)
    expect(outcome.kind).toBe('accepted')
    expect(outcome.status.invoicingMode).toBe('Offline')
  })

  it('opens a new session when KSeF says the current one is closed (21180)', async () => {
    const client = fakeClient(fake)
    const first = await client.sendInvoice(sampleInvoice({ number: `FV/S1/${Date.now()}` }))
    const session = fake.sessions.get(first.sessionReferenceNumber)
    if (session) session.statusCode = 170
    const second = await client.sendInvoice(sampleInvoice({ number: `FV/S2/${Date.now()}` }))
    expect(second.sessionReferenceNumber).not.toBe(first.sessionReferenceNumber)
  })

  it('downloads an invoice by KSeF number as the exact bytes', async () => {
    const client = fakeClient(fake)
    const bytes = sampleInvoice({ number: `FV/DL/${Date.now()}` })
    const outcome = await client.waitForInvoice(await client.sendInvoice(bytes), poll)
    if (outcome.kind !== 'accepted') throw new Error(outcome.kind)
    const downloaded = await client.downloadInvoice(outcome.ksefNumber)
    expect(Buffer.from(downloaded.bytes).equals(Buffer.from(bytes))).toBe(true)
    expect(parseInvoiceXml(downloaded.bytes).details.number).toContain('FV/DL/')
  })
})
