import { unzipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningSimulator, startSimulator } from '../index.ts'
import { invoiceXml } from '../testing/invoices.ts'
import { admin, aesDecrypt, MiniKsef, sha256 } from '../testing/mini-client.ts'

const TENANT = '7352765225'
const OTHER_SELLERS = ['5265877635', '1111111111']

describe('incoming invoices (the buyer side), over HTTP', () => {
  let sim: RunningSimulator
  let ksef: MiniKsef
  let access: string
  const seeded: { ksefNumber: string; xml: string }[] = []
  const from = new Date(Date.now() - 3600_000).toISOString()

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, queryRecordLimit: 20 })
    ksef = new MiniKsef(sim.url)
    for (let i = 0; i < 25; i++) {
      const xml = invoiceXml({ sellerNip: OTHER_SELLERS[i % 2] as string, buyerNip: TENANT, number: `ZAKUP/${i}` })
      const reply = await admin(sim.adminUrl, 'POST', '/incoming', xml)
      expect(reply.status).toBe(201)
      seeded.push({ ksefNumber: reply.json.ksefNumber, xml })
    }
    await admin(
      sim.adminUrl,
      'POST',
      '/incoming',
      invoiceXml({ sellerNip: '5265877635', buyerNip: '1111111111', number: 'NOT-OURS' }),
    )
    const { token } = (await admin(sim.adminUrl, 'POST', '/tokens', { nip: TENANT, permissions: ['InvoiceRead'] })).json
    access = (await ksef.loginWithKsefToken(TENANT, token)).accessToken
  })
  afterAll(() => sim.close())

  const query = (body: object, params = 'pageSize=10') =>
    ksef.call('POST', `/invoices/query/metadata?${params}`, { token: access, json: body })

  it('lists purchase invoices as Subject2 with paging, truncation and the high-water mark', async () => {
    const filters = {
      subjectType: 'Subject2',
      dateRange: { dateType: 'PermanentStorage', from, restrictToPermanentStorageHwmDate: true },
    }
    const first = await query(filters)
    expect(first.status).toBe(200)
    expect(first.json).toMatchObject({ hasMore: true, isTruncated: false })
    expect(first.json.invoices).toHaveLength(10)
    expect(Date.parse(first.json.permanentStorageHwmDate)).toBeGreaterThan(Date.parse(from))
    const metadata = first.json.invoices[0]
    expect(metadata.buyer.identifier).toEqual({ type: 'Nip', value: TENANT })
    expect(metadata).toMatchObject({
      netAmount: 100,
      vatAmount: 23,
      grossAmount: 123,
      currency: 'PLN',
      invoiceType: 'Vat',
    })
    const second = await query(filters, 'pageSize=10&pageOffset=1')
    expect(second.json).toMatchObject({ hasMore: true, isTruncated: true })
    const beyond = await query(filters, 'pageSize=10&pageOffset=2')
    expect(beyond.json.invoices).toHaveLength(0)
    // The documented way on: move `from` to the last record's date and start again at page 0.
    const last = second.json.invoices.at(-1).permanentStorageDate
    const rest = await query({ ...filters, dateRange: { ...filters.dateRange, from: last } }, 'pageSize=10')
    const seen = new Set(
      [...first.json.invoices, ...second.json.invoices, ...rest.json.invoices].map((i) => i.ksefNumber),
    )
    expect(seen.size).toBe(25)
    expect([...seen].sort()).toEqual(seeded.map((s) => s.ksefNumber).sort())
  })

  it('filters by seller and answers an empty list for Subject1 (the tenant sold nothing)', async () => {
    const bySeller = await query(
      { subjectType: 'Subject2', dateRange: { dateType: 'Invoicing', from }, sellerNip: '1111111111' },
      'pageSize=100',
    )
    expect(bySeller.json.invoices).toHaveLength(12)
    const sold = await query({ subjectType: 'Subject1', dateRange: { dateType: 'Issue', from } })
    expect(sold.json).toMatchObject({ hasMore: false, isTruncated: false, invoices: [] })
  })

  it("downloads an invoice by KSeF number, byte for byte, and hides other parties' invoices", async () => {
    const target = seeded[3] as { ksefNumber: string; xml: string }
    const reply = await ksef.call('GET', `/invoices/ksef/${target.ksefNumber}`, { token: access })
    expect(reply.status).toBe(200)
    expect(reply.text).toBe(target.xml)
    expect(reply.headers.get('x-ms-meta-hash')).toBe(sha256(target.xml))
    const unknown = await ksef.call('GET', '/invoices/ksef/5265877635-20250916-0200A0D6723E-C2', { token: access })
    expect(unknown.status).toBe(400)
    expect(unknown.json.exception.exceptionDetailList[0].exceptionCode).toBe(21164)
  })

  it('exports the purchase invoices as encrypted parts with _metadata.json', async () => {
    const key = await ksef.sessionKey()
    const started = await ksef.call('POST', '/invoices/exports', {
      token: access,
      json: {
        encryption: key.encryption,
        filters: { subjectType: 'Subject2', dateRange: { dateType: 'PermanentStorage', from } },
      },
    })
    expect(started.status).toBe(201)
    const status = await ksef.waitFor(
      `/invoices/exports/${started.json.referenceNumber}`,
      access,
      (json) => json.status.code !== 100,
    )
    expect(status.status.code).toBe(200)
    expect(status.package).toMatchObject({ invoiceCount: 20, isTruncated: true })
    const parts: Buffer[] = []
    for (const part of status.package.parts) {
      const encrypted = Buffer.from(await (await fetch(part.url)).arrayBuffer())
      expect(sha256(encrypted)).toBe(part.encryptedPartHash)
      parts.push(aesDecrypt(key.key, key.iv, encrypted))
    }
    const files = unzipSync(Buffer.concat(parts))
    const metadata = JSON.parse(Buffer.from(files['_metadata.json'] as Uint8Array).toString('utf8'))
    expect(metadata.invoices).toHaveLength(20)
    expect(Object.keys(files).filter((name) => name.endsWith('.xml'))).toHaveLength(20)
    const one = metadata.invoices[0].ksefNumber
    expect(Buffer.from(files[`${one}.xml`] as Uint8Array).toString('utf8')).toBe(
      seeded.find((s) => s.ksefNumber === one)?.xml,
    )
  })
})
