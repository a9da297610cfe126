import { checkKsefNumber } from '@ksef-hub/fa3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningSimulator, startSimulator } from '../index.ts'
import { invoiceXml, warsawToday } from '../testing/invoices.ts'
import { admin, MiniKsef, sha256 } from '../testing/mini-client.ts'

const NIP = '5265877635'

describe('online session, driven over HTTP by an independent client', () => {
  let sim: RunningSimulator
  let ksef: MiniKsef
  let access: string

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, processingDelayMs: 250 })
    ksef = new MiniKsef(sim.url)
    const { token } = (
      await admin(sim.adminUrl, 'POST', '/tokens', { nip: NIP, permissions: ['InvoiceWrite', 'InvoiceRead'] })
    ).json
    const login = await ksef.loginWithKsefToken(NIP, token)
    expect(login.status.code).toBe(200)
    access = login.accessToken
  })
  afterAll(() => sim.close())

  it('accepts an invoice: 202, then 100/150 -> 200 with a KSeF number, and its UPO', async () => {
    const session = await ksef.openOnline(access)
    const xml = invoiceXml({ sellerNip: NIP, number: 'FV/ONLINE/1' })
    const sent = await ksef.sendOnline(access, session, xml)
    expect(sent.status).toBe(202)
    const path = `/sessions/${session.referenceNumber}/invoices/${sent.json.referenceNumber}`
    const first = await ksef.call('GET', path, { token: access })
    expect([100, 150]).toContain(first.json.status.code)
    const done = await ksef.waitFor(path, access, (json) => json.status.code >= 200)
    expect(done.status).toEqual({ code: 200, description: 'Sukces' })
    expect(done.invoiceHash).toBe(sha256(xml))
    expect(done.invoiceNumber).toBe('FV/ONLINE/1')
    const number = checkKsefNumber(done.ksefNumber)
    expect(number.ok && number.parts.sellerNip).toBe(NIP)
    expect(number.ok && number.parts.date).toBe(warsawToday())
    expect(done.invoicingMode).toBe('Online')

    const upo = await ksef.call('GET', `${path}/upo`, { token: access })
    expect(upo.status).toBe(200)
    expect(upo.headers.get('content-type')).toContain('application/xml')
    expect(upo.headers.get('x-ms-meta-hash')).toBe(sha256(upo.bytes))
    expect(upo.text).toContain(`<NumerKSeFDokumentu>${done.ksefNumber}</NumerKSeFDokumentu>`)
    expect(upo.text).toContain(`<SkrotDokumentu>${sha256(xml)}</SkrotDokumentu>`)
    expect(upo.text).toContain('<NumerReferencyjnyTokenaKSeF>')
    const byNumber = await ksef.call(
      'GET',
      `/sessions/${session.referenceNumber}/invoices/ksef/${done.ksefNumber}/upo`,
      { token: access },
    )
    expect(byNumber.text).toBe(upo.text)
    const presigned = await fetch(done.upoDownloadUrl)
    expect(presigned.status).toBe(200)
    expect(await presigned.text()).toBe(upo.text)
  })

  it('answers a duplicate (seller, type, number) with 440 and the original number and session', async () => {
    const first = await ksef.openOnline(access)
    const xml = invoiceXml({ sellerNip: NIP, number: 'FV/DUP/1' })
    const original = await ksef.sendOnline(access, first, xml)
    const originalDone = await ksef.waitFor(
      `/sessions/${first.referenceNumber}/invoices/${original.json.referenceNumber}`,
      access,
      (json) => json.status.code >= 200,
    )
    expect(originalDone.status.code).toBe(200)

    const second = await ksef.openOnline(access)
    // Same key, different content (amounts): the content hash is not the criterion.
    const again = await ksef.sendOnline(
      access,
      second,
      invoiceXml({ sellerNip: NIP, number: 'FV/DUP/1', net: '200.00', vat: '46.00' }),
    )
    expect(again.status).toBe(202)
    const dup = await ksef.waitFor(
      `/sessions/${second.referenceNumber}/invoices/${again.json.referenceNumber}`,
      access,
      (json) => json.status.code >= 200,
    )
    expect(dup.status.code).toBe(440)
    expect(dup.status.description).toBe('Duplikat faktury')
    expect(dup.status.extensions).toEqual({
      originalSessionReferenceNumber: first.referenceNumber,
      originalKsefNumber: originalDone.ksefNumber,
    })
    expect(dup.ksefNumber).toBeUndefined()
    const failed = await ksef.call('GET', `/sessions/${second.referenceNumber}/invoices/failed`, { token: access })
    expect(failed.json.invoices.map((i: { referenceNumber: string }) => i.referenceNumber)).toEqual([
      again.json.referenceNumber,
    ])
  })

  it('closes a session: 170, then 200 with the session UPO listing every accepted invoice', async () => {
    const session = await ksef.openOnline(access)
    const refs: string[] = []
    for (const number of ['FV/CLOSE/1', 'FV/CLOSE/2']) {
      refs.push((await ksef.sendOnline(access, session, invoiceXml({ sellerNip: NIP, number }))).json.referenceNumber)
    }
    expect(
      (await ksef.call('POST', `/sessions/online/${session.referenceNumber}/close`, { token: access })).status,
    ).toBe(204)
    const status = await ksef.waitFor(
      `/sessions/${session.referenceNumber}`,
      access,
      (json) => json.status.code !== 170,
    )
    expect(status.status).toEqual({ code: 200, description: 'Sesja interaktywna przetworzona pomyślnie' })
    expect(status).toMatchObject({ invoiceCount: 2, successfulInvoiceCount: 2, failedInvoiceCount: 0 })
    expect(status.upo.pages).toHaveLength(1)
    const page = status.upo.pages[0]
    const upo = await ksef.call('GET', `/sessions/${session.referenceNumber}/upo/${page.referenceNumber}`, {
      token: access,
    })
    expect(upo.text.match(/<Dokument>/g)).toHaveLength(2)
    expect(upo.text).toContain('<CalkowitaLiczbaDokumentow>2</CalkowitaLiczbaDokumentow>')
    expect(await (await fetch(page.downloadUrl)).text()).toBe(upo.text)
    const sent = await ksef.call('POST', `/sessions/online/${session.referenceNumber}/invoices`, {
      token: access,
      json: {},
    })
    expect(sent.status).toBe(400)
    expect(sent.json.exception.exceptionDetailList[0].exceptionCode).toBe(21180)
    const list = await ksef.call('GET', '/sessions?sessionType=Online&pageSize=10', { token: access })
    expect(list.json.sessions.map((s: { referenceNumber: string }) => s.referenceNumber)).toContain(
      session.referenceNumber,
    )
    expect(refs).toHaveLength(2)
  })
})
