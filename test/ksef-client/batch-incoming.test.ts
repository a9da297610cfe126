import { sha256Base64 } from '@ksef-hub/fa3'
import { sampleInvoice } from '@ksef-hub/ksef-client/testing'
import { startSimulator } from '@ksef-hub/ksef-simulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin, issueToken, NIP, POLL, type Simulator, simulatorClient } from './simulator.ts'

let sim: Simulator
let token: string
const purchases: { ksefNumber: string; bytes: Uint8Array }[] = []
beforeAll(async () => {
  sim = await startSimulator({ port: 0, rateLimits: 'relaxed', processingDelayMs: 20 })
  token = await issueToken(sim)
  for (let i = 0; i < 3; i += 1) {
    const bytes = sampleInvoice({ sellerNip: '1111111111', buyerNip: NIP, number: `ZAKUP/${Date.now()}/${i}` })
    const response = await admin(sim, '/incoming', { xml: Buffer.from(bytes).toString('utf8') })
    expect(response.status).toBe(201)
    purchases.push({ ksefNumber: ((await response.json()) as { ksefNumber: string }).ksefNumber, bytes })
  }
})
afterAll(async () => sim.close())

describe('batch against the simulator', () => {
  it('sends a multi-part batch and reads every per-invoice result and the session UPO', async () => {
    const client = simulatorClient(sim, token)
    const stamp = Date.now()
    const files = Array.from({ length: 25 }, (_, i) => ({
      fileName: `fv-${i}.xml`,
      bytes: sampleInvoice({ sellerNip: NIP, number: `E2E/BATCH/${stamp}/${i}` }),
    }))
    const broken = Buffer.from(
      Buffer.from(sampleInvoice({ sellerNip: NIP, number: `E2E/BATCH/${stamp}/bad` }))
        .toString('utf8')
        .replace('<P_15>123.00</P_15>', ''),
    )
    files.push({ fileName: 'broken.xml', bytes: broken })
    files.push({ fileName: 'dup.xml', bytes: sampleInvoice({ sellerNip: NIP, number: `E2E/BATCH/${stamp}/0` }) })
    const submission = await client.sendBatch(files, { maxPartBytes: 4096 })
    expect(submission.partCount).toBeGreaterThan(1)
    const results = await client.batchResults(submission, { ...POLL, pageSize: 10 })
    expect(results).toHaveLength(27)
    const kinds = results.map((result) => result.outcome?.kind)
    expect(kinds.filter((kind) => kind === 'accepted').length).toBeGreaterThanOrEqual(25)
    expect(results.find((result) => result.fileName === 'broken.xml')?.outcome?.kind).toBe('failed')
    const { pages } = await client.downloadSessionUpo('batch', submission.referenceNumber, POLL)
    expect(pages.flatMap((page) => page.parsed?.documents ?? []).length).toBeGreaterThanOrEqual(25)
  })
})

describe('incoming invoices against the simulator', () => {
  it('downloads a purchase invoice by KSeF number as the exact bytes', async () => {
    const client = simulatorClient(sim, token)
    const first = purchases[0]
    if (!first) throw new Error('no purchase invoice')
    const downloaded = await client.downloadInvoice(first.ksefNumber)
    expect(downloaded.sha256).toBe(sha256Base64(first.bytes))
  })

  it('finds the purchase invoices with the metadata query (Subject2) and keeps the high-water mark', async () => {
    const client = simulatorClient(sim, token)
    const result = await client.queryInvoiceMetadata({
      subjectType: 'Subject2',
      dateRange: {
        dateType: 'PermanentStorage',
        from: new Date(Date.now() - 86_400_000).toISOString(),
        restrictToPermanentStorageHwmDate: true,
      },
    })
    expect(result.invoices.map((invoice) => invoice.ksefNumber).sort()).toEqual(
      purchases.map((item) => item.ksefNumber).sort(),
    )
  })

  it('exports the purchase invoices: decrypts and unpacks them', async () => {
    const client = simulatorClient(sim, token)
    const contents = await client.exportInvoices(
      {
        subjectType: 'Subject2',
        dateRange: { dateType: 'PermanentStorage', from: new Date(Date.now() - 86_400_000).toISOString() },
      },
      POLL,
    )
    expect(contents.invoices.map((invoice) => invoice.ksefNumber).sort()).toEqual(
      purchases.map((item) => item.ksefNumber).sort(),
    )
    expect(contents.metadata?.length).toBe(purchases.length)
  })
})
