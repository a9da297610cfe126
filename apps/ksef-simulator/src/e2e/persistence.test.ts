import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startSimulator } from '../index.ts'
import { sendBatch } from '../testing/batch.ts'
import { invoiceXml } from '../testing/invoices.ts'
import { admin, MiniKsef } from '../testing/mini-client.ts'
import { zipFiles } from '../testing/zip-writer.ts'

const NIP = '5265877635'

describe('state survives a restart when a data directory is given', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ksef-sim-'))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('keeps keys, tokens, sessions, invoices, UPOs and duplicates; resumes an interrupted batch', async () => {
    const first = await startSimulator({ port: 0, dataDir, seedTokens: [{ nip: NIP, token: 'persisted-seed-token' }] })
    let ksef = new MiniKsef(first.url)
    const keyBefore = await ksef.publicKey('SymmetricKeyEncryption')
    const login = await ksef.loginWithKsefToken(NIP, 'persisted-seed-token')
    const session = await ksef.openOnline(login.accessToken)
    const xml = invoiceXml({ sellerNip: NIP, number: 'FV/PERSIST/1' })
    const sent = await ksef.sendOnline(login.accessToken, session, xml)
    const done = await ksef.waitFor(
      `/sessions/${session.referenceNumber}/invoices/${sent.json.referenceNumber}`,
      login.accessToken,
      (json) => json.status.code === 200,
    )
    await ksef.call('POST', `/sessions/online/${session.referenceNumber}/close`, { token: login.accessToken })
    await first.close()

    // A batch closed just before a stop: its processing is interrupted and must resume after the restart.
    const slow = await startSimulator({ port: 0, dataDir, processingDelayMs: 60_000 })
    ksef = new MiniKsef(slow.url)
    const files = [1, 2, 3].map((i) => ({
      name: `${i}.xml`,
      data: Buffer.from(invoiceXml({ sellerNip: NIP, number: `FV/RESUME/${i}` })),
    }))
    const batch = await sendBatch(ksef, login.accessToken, zipFiles(files))
    expect(batch.close.status).toBe(204)
    await slow.close()

    const second = await startSimulator({ port: 0, dataDir })
    try {
      ksef = new MiniKsef(second.url)
      expect((await ksef.publicKey('SymmetricKeyEncryption')).publicKeyId).toBe(keyBefore.publicKeyId)
      // The access token issued before the restart is still valid.
      const invoice = await ksef.call(
        'GET',
        `/sessions/${session.referenceNumber}/invoices/${sent.json.referenceNumber}`,
        {
          token: login.accessToken,
        },
      )
      expect(invoice.json.ksefNumber).toBe(done.ksefNumber)
      const status = await ksef.waitFor(
        `/sessions/${session.referenceNumber}`,
        login.accessToken,
        (json) => json.status.code === 200,
      )
      const upo = await ksef.call(
        'GET',
        `/sessions/${session.referenceNumber}/upo/${status.upo.pages[0].referenceNumber}`,
        {
          token: login.accessToken,
        },
      )
      expect(upo.text).toContain(done.ksefNumber)
      const resumed = await ksef.waitFor(
        `/sessions/${batch.referenceNumber}`,
        login.accessToken,
        (json) => json.status.code >= 200,
      )
      expect(resumed).toMatchObject({ status: { code: 200 }, successfulInvoiceCount: 3 })

      const relogin = await ksef.loginWithKsefToken(NIP, 'persisted-seed-token')
      const again = await ksef.openOnline(relogin.accessToken)
      const dup = await ksef.sendOnline(relogin.accessToken, again, xml)
      const dupStatus = await ksef.waitFor(
        `/sessions/${again.referenceNumber}/invoices/${dup.json.referenceNumber}`,
        relogin.accessToken,
        (json) => json.status.code >= 200,
      )
      expect(dupStatus.status.extensions.originalKsefNumber).toBe(done.ksefNumber)
      const received = (await admin(second.adminUrl, 'GET', '/received')).json.invoices
      expect(received.find((i: { invoiceNumber: string }) => i.invoiceNumber === 'FV/PERSIST/1').timesReceived).toBe(2)
    } finally {
      await second.close()
    }
  })
})
