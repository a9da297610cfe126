import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningSimulator, startSimulator } from '../index.ts'
import { sendBatch } from '../testing/batch.ts'
import { invoiceXml } from '../testing/invoices.ts'
import { admin, MiniKsef } from '../testing/mini-client.ts'
import { zipFiles } from '../testing/zip-writer.ts'

const NIP = '5265877635'

describe('fault injection through the admin API', () => {
  let sim: RunningSimulator
  let ksef: MiniKsef
  let access: string
  let refresh: string

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 })
    ksef = new MiniKsef(sim.url)
    const { token } = (await admin(sim.adminUrl, 'POST', '/tokens', { nip: NIP })).json
    const login = await ksef.loginWithKsefToken(NIP, token)
    access = login.accessToken
    refresh = login.refreshToken
  })
  afterAll(() => sim.close())
  const fault = async (body: object) => expect((await admin(sim.adminUrl, 'POST', '/faults', body)).status).toBe(204)
  const clear = async () => expect((await admin(sim.adminUrl, 'DELETE', '/faults')).status).toBe(204)
  const invoiceStatus = (session: string, ref: string) =>
    ksef.waitFor(`/sessions/${session}/invoices/${ref}`, access, (json) => json.status.code >= 200)

  it('outage: 503 with the firewall HTML page on /v2, until cleared', async () => {
    await fault({ kind: 'outage', seconds: 60 })
    const reply = await ksef.call('GET', '/security/public-key-certificates', { undocumentedOk: true })
    expect(reply.status).toBe(503)
    expect(reply.headers.get('content-type')).toContain('text/html')
    expect(reply.text).toContain('The requested URL was rejected')
    expect((await admin(sim.adminUrl, 'GET', '/faults')).json.faults).toHaveLength(1)
    await clear()
    expect((await ksef.call('GET', '/security/public-key-certificates')).status).toBe(200)
  })

  it('drop-response: the invoice is stored and processed, the answer is lost; /received proves it arrived once', async () => {
    const session = await ksef.openOnline(access)
    await fault({ kind: 'drop-response', count: 1, path: '/invoices$' })
    const xml = invoiceXml({ sellerNip: NIP, number: 'FV/DROP/1' })
    await expect(ksef.sendOnline(access, session, xml)).rejects.toThrow()
    const received = async () =>
      (await admin(sim.adminUrl, 'GET', '/received')).json.invoices.find(
        (i: { invoiceNumber: string }) => i.invoiceNumber === 'FV/DROP/1',
      )
    let entry = await received()
    for (let i = 0; i < 100 && !entry?.ksefNumber; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      entry = await received()
    }
    expect(entry).toMatchObject({ sellerNip: NIP, invoiceType: 'VAT', timesReceived: 1, status: 200 })
    expect(entry.ksefNumber).toMatch(/^5265877635-/)
    // The client retries (it cannot know): KSeF answers the retry as a duplicate of the first.
    const retry = await ksef.sendOnline(access, session, xml)
    expect(retry.status).toBe(202)
    const status = await invoiceStatus(session.referenceNumber, retry.json.referenceNumber)
    expect(status.status.code).toBe(440)
    expect(status.status.extensions.originalKsefNumber).toBe(entry.ksefNumber)
    expect((await received()).timesReceived).toBe(2)
  })

  it('slow: invoices stay at 150 for the given seconds, then finish', async () => {
    const session = await ksef.openOnline(access)
    await fault({ kind: 'slow', seconds: 1, count: 1 })
    const started = Date.now()
    const sent = await ksef.sendOnline(access, session, invoiceXml({ sellerNip: NIP, number: 'FV/SLOW/1' }))
    await new Promise((resolve) => setTimeout(resolve, 600))
    const during = await ksef.call(
      'GET',
      `/sessions/${session.referenceNumber}/invoices/${sent.json.referenceNumber}`,
      { token: access },
    )
    expect(during.json.status.code).toBe(150)
    expect((await invoiceStatus(session.referenceNumber, sent.json.referenceNumber)).status.code).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
  })

  it('cancel-550: the invoice is cancelled by the system; resending it succeeds', async () => {
    const session = await ksef.openOnline(access)
    await fault({ kind: 'cancel-550', count: 1 })
    const xml = invoiceXml({ sellerNip: NIP, number: 'FV/550/1' })
    const first = await ksef.sendOnline(access, session, xml)
    expect((await invoiceStatus(session.referenceNumber, first.json.referenceNumber)).status.code).toBe(550)
    const again = await ksef.sendOnline(access, session, xml)
    expect((await invoiceStatus(session.referenceNumber, again.json.referenceNumber)).status.code).toBe(200)
  })

  it('batch-close-500: close fails with 500 once and the session stays open for a retry', async () => {
    await fault({ kind: 'batch-close-500', count: 1 })
    const batch = await sendBatch(
      ksef,
      access,
      zipFiles([{ name: 'a.xml', data: Buffer.from(invoiceXml({ sellerNip: NIP, number: 'FV/B500/1' })) }]),
      {
        close: false,
      },
    )
    const failed = await ksef.call('POST', `/sessions/batch/${batch.referenceNumber}/close`, {
      token: access,
      undocumentedOk: true,
    })
    expect(failed.status).toBe(500)
    expect((await ksef.call('POST', `/sessions/batch/${batch.referenceNumber}/close`, { token: access })).status).toBe(
      204,
    )
    const status = await ksef.waitFor(`/sessions/${batch.referenceNumber}`, access, (json) => json.status.code >= 200)
    expect(status.status.code).toBe(200)
  })

  it('rate-limit-storm: every matching call gets 429 with Retry-After', async () => {
    await fault({ kind: 'rate-limit-storm', seconds: 5, path: '^/v2/sessions' })
    const reply = await ksef.call('GET', '/sessions?sessionType=Online', { token: access })
    expect(reply.status).toBe(429)
    expect(Number(reply.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect((await ksef.call('GET', '/security/public-key-certificates')).status).toBe(200)
    await clear()
  })

  it('rotate-keys: the old publicKeyId is withdrawn at once (21470), new keys are listed', async () => {
    const before = await ksef.publicKey('SymmetricKeyEncryption')
    const oldKey = await ksef.sessionKey()
    await fault({ kind: 'rotate-keys' })
    const after = await ksef.publicKey('SymmetricKeyEncryption')
    expect(after.publicKeyId).not.toBe(before.publicKeyId)
    const refused = await ksef.call('POST', '/sessions/online', {
      token: access,
      json: { formCode: { systemCode: 'FA (3)', schemaVersion: '1-0E', value: 'FA' }, encryption: oldKey.encryption },
    })
    expect(refused.json.exception.exceptionDetailList[0].exceptionCode).toBe(21470)
    expect(await ksef.openOnline(access)).toHaveProperty('referenceNumber')
  })

  it('expire-tokens: access tokens stop working (401); the refresh token gets a new one', async () => {
    await fault({ kind: 'expire-tokens' })
    expect((await ksef.call('GET', '/sessions?sessionType=Online', { token: access })).status).toBe(401)
    const refreshed = await ksef.call('POST', '/auth/token/refresh', { token: refresh })
    expect(refreshed.status).toBe(200)
    access = refreshed.json.accessToken.token
    expect((await ksef.call('GET', '/sessions?sessionType=Online', { token: access })).status).toBe(200)
  })

  it('refuses unknown fault kinds', async () => {
    const reply = await admin(sim.adminUrl, 'POST', '/faults', { kind: 'meteor' })
    expect(reply.status).toBe(400)
    expect(reply.json.error).toContain('kind must be one of')
  })
})

describe('strict mode', () => {
  it('has no admin API', async () => {
    const sim = await startSimulator({ port: 0, strict: true })
    try {
      expect((await admin(sim.adminUrl, 'POST', '/faults', { kind: 'outage' })).status).toBe(404)
      expect((await fetch(`${sim.url}/security/public-key-certificates`)).status).toBe(200)
    } finally {
      await sim.close()
    }
  })
})
