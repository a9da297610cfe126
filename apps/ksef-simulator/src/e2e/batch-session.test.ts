import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningSimulator, startSimulator } from '../index.ts'
import { sendBatch } from '../testing/batch.ts'
import { invoiceXml } from '../testing/invoices.ts'
import { admin, MiniKsef } from '../testing/mini-client.ts'
import { tarFiles } from '../testing/tar-writer.ts'
import { zipFiles } from '../testing/zip-writer.ts'

const NIP = '5265877635'

function tomorrow(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Warsaw' }).format(new Date(Date.now() + 36 * 3600_000))
}

describe('batch session, driven over HTTP by an independent client', () => {
  let sim: RunningSimulator
  let ksef: MiniKsef
  let access: string

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 })
    ksef = new MiniKsef(sim.url)
    const { token } = (await admin(sim.adminUrl, 'POST', '/tokens', { nip: NIP })).json
    access = (await ksef.loginWithKsefToken(NIP, token)).accessToken
  })
  afterAll(() => sim.close())

  it('processes 100 invoices with 3 bad ones: 97 accepted, 3 failed with their reasons', async () => {
    const files = Array.from({ length: 100 }, (_, i) => ({
      name: `invoice-${String(i + 1).padStart(3, '0')}.xml`,
      data: Buffer.from(invoiceXml({ sellerNip: NIP, number: `FV/BATCH/${i + 1}` })),
    }))
    files[10] = { name: 'not-xml.xml', data: Buffer.from('this is not an invoice') }
    files[20] = {
      name: 'no-total.xml',
      data: Buffer.from(invoiceXml({ sellerNip: NIP, number: 'FV/BATCH/NOTOTAL' }).replace(/<P_15>[^<]*<\/P_15>/, '')),
    }
    files[30] = {
      name: 'future.xml',
      data: Buffer.from(invoiceXml({ sellerNip: NIP, number: 'FV/BATCH/FUTURE', issueDate: tomorrow() })),
    }

    const batch = await sendBatch(ksef, access, zipFiles(files), { parts: 3 })
    expect(batch.uploads).toEqual([201, 201, 201])
    expect(batch.close.status).toBe(204)
    const status = await ksef.waitFor(`/sessions/${batch.referenceNumber}`, access, (json) => json.status.code >= 200)
    expect(status.status).toEqual({ code: 200, description: 'Sesja wsadowa przetworzona pomyślnie' })
    expect(status).toMatchObject({ invoiceCount: 100, successfulInvoiceCount: 97, failedInvoiceCount: 3 })
    expect(status.upo.pages).toHaveLength(1)

    const failed = await ksef.call('GET', `/sessions/${batch.referenceNumber}/invoices/failed?pageSize=10`, {
      token: access,
    })
    const byFile = Object.fromEntries(
      failed.json.invoices.map((i: { invoiceFileName: string; status: { code: number; details: string[] } }) => [
        i.invoiceFileName,
        i.status,
      ]),
    )
    expect(Object.keys(byFile).sort()).toEqual(['future.xml', 'no-total.xml', 'not-xml.xml'])
    expect(byFile['not-xml.xml'].code).toBe(430)
    expect(byFile['no-total.xml'].code).toBe(430)
    expect(byFile['no-total.xml'].details.join(' ')).toMatch(/P_15|Adnotacje/)
    expect(byFile['future.xml'].code).toBe(450)
    expect(byFile['future.xml'].details.join(' ')).toMatch(/P_1/)

    let accepted = 0
    let continuation: string | undefined
    do {
      const page = await ksef.call('GET', `/sessions/${batch.referenceNumber}/invoices?pageSize=40`, {
        token: access,
        headers: continuation ? { 'x-continuation-token': continuation } : {},
      })
      accepted += page.json.invoices.filter((i: { ksefNumber?: string }) => i.ksefNumber).length
      continuation = page.json.continuationToken ?? undefined
    } while (continuation)
    expect(accepted).toBe(97)
    const upo = await ksef.call(
      'GET',
      `/sessions/${batch.referenceNumber}/upo/${status.upo.pages[0].referenceNumber}`,
      { token: access },
    )
    expect(upo.text.match(/<Dokument>/g)).toHaveLength(97)
  })

  it('reads tar.gz archives', async () => {
    const files = [1, 2].map((i) => ({
      name: `t${i}.xml`,
      data: Buffer.from(invoiceXml({ sellerNip: NIP, number: `FV/TAR/${i}` })),
    }))
    const batch = await sendBatch(ksef, access, gzipSync(tarFiles(files)), { compressionType: 'TarGz' })
    const status = await ksef.waitFor(`/sessions/${batch.referenceNumber}`, access, (json) => json.status.code >= 200)
    expect(status).toMatchObject({ status: { code: 200 }, successfulInvoiceCount: 2 })
  })

  it('refuses to close with a part missing (21205) and fails a corrupt archive with 430', async () => {
    const open = await sendBatch(ksef, access, zipFiles([{ name: 'a.xml', data: Buffer.from('x') }]), {
      parts: 2,
      close: false,
      skipParts: [2],
    })
    expect(open.uploads).toEqual([201])
    const early = await ksef.call('POST', `/sessions/batch/${open.referenceNumber}/close`, { token: access })
    expect(early.status).toBe(400)
    expect(early.json.exception.exceptionDetailList[0]).toMatchObject({ exceptionCode: 21205 })
    const garbage = await sendBatch(ksef, access, Buffer.from('definitely not a zip archive'), {})
    expect(garbage.close.status).toBe(204)
    const status = await ksef.waitFor(`/sessions/${garbage.referenceNumber}`, access, (json) => json.status.code >= 200)
    expect(status.status.code).toBe(430)
  })
})

describe('time limits of sessions', () => {
  it('cancels a batch not closed within its upload window (21208, 440) and closes online sessions after 12 h', async () => {
    const sim = await startSimulator({ port: 0 })
    try {
      const ksef = new MiniKsef(sim.url)
      const { token } = (await admin(sim.adminUrl, 'POST', '/tokens', { nip: NIP })).json
      const { accessToken, refreshToken } = await ksef.loginWithKsefToken(NIP, token)
      const online = await ksef.openOnline(accessToken)
      await ksef.sendOnline(accessToken, online, invoiceXml({ sellerNip: NIP, number: 'FV/TTL/1' }))
      const batch = await sendBatch(
        ksef,
        accessToken,
        zipFiles([{ name: 'a.xml', data: Buffer.from(invoiceXml({ sellerNip: NIP, number: 'FV/TTL/2' })) }]),
        {
          close: false,
        },
      )
      expect((await admin(sim.adminUrl, 'POST', '/clock', { advanceSeconds: 13 * 3600 })).status).toBe(200)
      const access = (await ksef.call('POST', '/auth/token/refresh', { token: refreshToken })).json.accessToken.token
      const close = await ksef.call('POST', `/sessions/batch/${batch.referenceNumber}/close`, { token: access })
      expect(close.json.exception.exceptionDetailList[0].exceptionCode).toBe(21208)
      expect((await ksef.call('GET', `/sessions/${batch.referenceNumber}`, { token: access })).json.status).toEqual({
        code: 440,
        description: 'Sesja anulowana',
        details: ['Przekroczono czas wysyłki'],
      })
      const status = await ksef.waitFor(
        `/sessions/${online.referenceNumber}`,
        access,
        (json) => json.status.code !== 170,
      )
      expect(status.status.code).toBe(200)
    } finally {
      await sim.close()
    }
  })
})
