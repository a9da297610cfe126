import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sha256Base64 } from '@ksef-hub/fa3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeKsef, startFakeKsef } from './testing/fake-ksef.ts'
import { sampleInvoice } from './testing/sample-invoice.ts'
import { fakeClient } from './testing/test-client.ts'

let fake: FakeKsef
beforeAll(async () => {
  fake = await startFakeKsef()
  for (let i = 0; i < 23; i += 1) {
    const bytes = sampleInvoice({ sellerNip: '1111111111', buyerNip: fake.nip, number: `ZAKUP/${i}` })
    const ksefNumber = `1111111111-20260201-${randomBytes(6).toString('hex').toUpperCase()}-00`
    fake.incoming.push({
      bytes,
      metadata: {
        ksefNumber,
        invoiceNumber: `ZAKUP/${i}`,
        issueDate: '2026-02-01',
        invoicingDate: '2026-02-01T10:00:00Z',
        acquisitionDate: '2026-02-01T10:00:01Z',
        // Three invoices share each second so that a truncation seam repeats records.
        permanentStorageDate: `2026-02-01T10:00:${String(Math.floor(i / 3)).padStart(2, '0')}Z`,
        seller: { nip: '1111111111' },
        buyer: { identifier: { type: 'Nip', value: fake.nip } },
        netAmount: 100.1,
        grossAmount: 123.12,
        vatAmount: 23.02,
        currency: 'PLN',
        invoicingMode: 'Online',
        invoiceType: 'Vat',
        formCode: { systemCode: 'FA (3)', schemaVersion: '1-0E', value: 'FA' },
        isSelfInvoicing: false,
        hasAttachment: false,
        invoiceHash: sha256Base64(bytes),
      },
    })
  }
})
afterAll(async () => fake.close())

const poll = { intervalMs: 10, maxWaitMs: 5_000 }

describe('batch session', () => {
  it('builds, opens, uploads parts in parallel without the bearer token, closes and reads every result', async () => {
    const client = fakeClient(fake)
    const stamp = Date.now()
    const files = Array.from({ length: 30 }, (_, i) => ({
      fileName: `fv-${i}.xml`,
      bytes: sampleInvoice({ number: `FV/BATCH/${stamp}/${i}` }),
    }))
    files.push({ fileName: 'broken.xml', bytes: Buffer.from('<Faktura/>') })
    const submission = await client.sendBatch(files, { maxPartBytes: 2048 })
    expect(submission.partCount).toBeGreaterThan(1)
    const uploads = fake.requests.filter((request) => request.path.startsWith('/__upload/'))
    expect(uploads).toHaveLength(submission.partCount)
    expect(uploads.every((request) => request.headers.authorization === undefined)).toBe(true)
    expect(uploads.every((request) => request.headers['x-ms-blob-type'] === 'BlockBlob')).toBe(true)
    const results = await client.batchResults(submission, { ...poll, pageSize: 10 })
    expect(results).toHaveLength(31)
    expect(results.filter((result) => result.outcome?.kind === 'accepted')).toHaveLength(30)
    const broken = results.find((result) => result.fileName === 'broken.xml')
    expect(broken?.outcome?.kind).toBe('failed')
    // Paged: 31 invoices at 10 per page, plus the failed list.
    expect(
      fake.requests.filter((request) => /\/sessions\/[^/]+\/invoices$/.test(request.path)).length,
    ).toBeGreaterThanOrEqual(4)
    const { pages } = await client.downloadSessionUpo('batch', submission.referenceNumber, poll)
    expect(pages[0]?.parsed?.documents).toHaveLength(30)
  })
})

describe('batch with parts on disk', () => {
  it('uploads parts from files (streamed) and removes them afterwards', async () => {
    const client = fakeClient(fake)
    const dir = mkdtempSync(join(tmpdir(), 'ksef-batch-'))
    const stamp = Date.now()
    const files = Array.from({ length: 12 }, (_, i) => ({
      fileName: `d-${i}.xml`,
      bytes: sampleInvoice({ number: `FV/DISK/${stamp}/${i}` }),
    }))
    const submission = await client.sendBatch(files, { maxPartBytes: 4096, compressionLevel: 0, partDirectory: dir })
    expect(submission.partCount).toBeGreaterThan(2)
    expect(readdirSync(dir)).toEqual([])
    const results = await client.batchResults(submission, poll)
    expect(results.every((result) => result.outcome?.kind === 'accepted')).toBe(true)
  })
})

describe('batch of duplicates only', () => {
  it('the session fails as a whole (445) yet each file gets its own outcome', async () => {
    const client = fakeClient(fake)
    const bytes = sampleInvoice({ number: `FV/BDUP/${Date.now()}` })
    await client.waitForInvoice(await client.sendInvoice(bytes), poll)
    const submission = await client.sendBatch([{ fileName: 'again.xml', bytes }])
    const [result] = await client.batchResults(submission, poll)
    expect(result?.outcome?.kind).toBe('duplicate')
    await expect(client.waitForBatch(submission.referenceNumber, poll)).rejects.toMatchObject({
      errorClass: 'permanent',
      code: '445',
    })
  })
})

describe('incoming invoices', () => {
  it('pages with pageOffset and moves `from` on truncation, each invoice once', async () => {
    fake.settings.truncateAfter = 10
    const client = fakeClient(fake)
    const result = await client.queryInvoiceMetadata(
      {
        subjectType: 'Subject2',
        dateRange: {
          dateType: 'PermanentStorage',
          from: '2026-02-01T00:00:00Z',
          restrictToPermanentStorageHwmDate: true,
        },
      },
      { pageSize: 10 },
    )
    expect(result.invoices).toHaveLength(23)
    expect(new Set(result.invoices.map((invoice) => invoice.ksefNumber)).size).toBe(23)
    expect(result.permanentStorageHwmDate).toBe('2026-12-31T23:59:59Z')
    expect(result.complete).toBe(true)
    const queries = fake.requests.filter((request) => request.path === '/invoices/query/metadata')
    const froms = queries.map(
      (request) => (JSON.parse(request.body.toString()) as { dateRange: { from: string } }).dateRange.from,
    )
    expect(new Set(froms).size).toBeGreaterThan(1)
    expect(result.invoices[0]?.grossAmount).toBe('123.12')
    expect(result.invoices[0]?.netAmount).toBe('100.1')
    fake.settings.truncateAfter = 10_000
  })

  it('downloads a purchase invoice by KSeF number', async () => {
    const client = fakeClient(fake)
    const first = fake.incoming[0]
    const invoice = await client.downloadInvoice(String(first?.metadata.ksefNumber))
    expect(Buffer.from(invoice.bytes).equals(Buffer.from(first?.bytes ?? []))).toBe(true)
  })

  it('exports: downloads parts without the token, verifies, decrypts, joins and unpacks', async () => {
    const client = fakeClient(fake)
    const contents = await client.exportInvoices(
      { subjectType: 'Subject2', dateRange: { dateType: 'PermanentStorage', from: '2026-02-01T00:00:00Z' } },
      poll,
    )
    expect(contents.invoices).toHaveLength(23)
    expect(contents.metadata).toHaveLength(23)
    const one = contents.invoices.find((invoice) => invoice.ksefNumber === fake.incoming[5]?.metadata.ksefNumber)
    expect(Buffer.from(one?.bytes ?? []).equals(Buffer.from(fake.incoming[5]?.bytes ?? []))).toBe(true)
    expect(contents.package.permanentStorageHwmDate).toBe('2026-12-31T23:59:59Z')
    const parts = fake.requests.filter((request) => request.path.startsWith('/__export/'))
    expect(parts.every((request) => request.headers.authorization === undefined)).toBe(true)
  })
})
