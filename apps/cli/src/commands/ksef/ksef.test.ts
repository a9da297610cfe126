import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseUpo } from '@ksef-hub/ksef-client'
import { type FakeKsef, sampleInvoice, startFakeKsef } from '@ksef-hub/ksef-client/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../cli.ts'
import { captureIo } from '../../io.ts'

let fake: FakeKsef
let dir: string
beforeAll(async () => {
  fake = await startFakeKsef()
  dir = await mkdtemp(join(tmpdir(), 'ksef-cli-'))
})
afterAll(async () => fake.close())

async function invoiceFile(name: string, number: string): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, sampleInvoice({ sellerNip: fake.nip, number }))
  return path
}

describe('ksef send', () => {
  it('prints FILE<TAB>KSEF_NUMBER per file, treats a duplicate as success, saves UPOs; token from KSEF_TOKEN', async () => {
    const stamp = Date.now()
    const a = await invoiceFile('a.xml', `CLI/${stamp}/1`)
    const b = await invoiceFile('b.xml', `CLI/${stamp}/2`)
    const dup = await invoiceFile('dup.xml', `CLI/${stamp}/1`)
    const upoDir = join(dir, 'upo')
    const io = captureIo({ env: { KSEF_TOKEN: fake.token }, cwd: dir })
    const code = await runCli(
      ['ksef', 'send', '--base-url', fake.url, '--nip', fake.nip, '--upo-dir', upoDir, a, b, dup],
      io,
    )
    const lines = io.out().trim().split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(new RegExp(`^${a}\\t${fake.nip}-\\d{8}-[0-9A-F]{12}-[0-9A-F]{2}$`))
    expect(lines[1]?.startsWith(`${b}\t`)).toBe(true)
    const original = lines[0]?.split('\t')[1]
    expect(lines[2]).toBe(
      `${dup}\tduplicate\t440\tduplicate of ${original} (session ${lines[2]?.match(/session ([^)]+)\)/)?.[1]})`,
    )
    expect(code).toBe(0)
    expect((await readdir(upoDir)).sort()).toEqual(['a.upo.xml', 'b.upo.xml'])
    expect(parseUpo(await readFile(join(upoDir, 'a.upo.xml'))).documents[0]?.ksefNumber).toBe(original)
    expect(io.out() + io.err()).not.toContain(fake.token)
  })

  it('sends a batch and reports failures with class and code; exit 1', async () => {
    const good = await invoiceFile('good.xml', `CLI/B/${Date.now()}`)
    const bad = join(dir, 'bad.xml')
    await writeFile(
      bad,
      '<?xml version="1.0" encoding="UTF-8"?><Faktura xmlns="http://crd.gov.pl/wzor/2025/06/25/13775/"/>',
    )
    const io = captureIo({ cwd: dir })
    const code = await runCli(
      ['ksef', 'send', '--base-url', fake.url, '--nip', fake.nip, '--token', fake.token, '--batch', good, bad],
      io,
    )
    const lines = io.out().trim().split('\n')
    expect(lines[0]).toMatch(/^.*good\.xml\t\d{10}-/)
    expect(lines[1]?.split('\t').slice(0, 3)).toEqual([bad, 'permanent', '450'])
    expect(code).toBe(1)
  })

  it('exit 2 for bad usage and unreadable files, nothing sent', async () => {
    const sends = fake.requests.length
    const usage = captureIo()
    expect(await runCli(['ksef', 'send', '--nip', fake.nip, 'x.xml'], usage)).toBe(2)
    expect(usage.err()).toContain('--base-url')
    const noToken = captureIo()
    expect(await runCli(['ksef', 'send', '--env', 'test', '--nip', fake.nip, 'x.xml'], noToken)).toBe(2)
    expect(noToken.err()).toContain('KSEF_TOKEN')
    const missing = captureIo({ env: { KSEF_TOKEN: fake.token } })
    expect(
      await runCli(['ksef', 'send', '--base-url', fake.url, '--nip', fake.nip, join(dir, 'nope.xml')], missing),
    ).toBe(2)
    const notXml = join(dir, 'not.xml')
    await writeFile(notXml, 'hello')
    const garbage = captureIo({ env: { KSEF_TOKEN: fake.token } })
    expect(await runCli(['ksef', 'send', '--base-url', fake.url, '--nip', fake.nip, notXml], garbage)).toBe(2)
    expect(fake.requests.length).toBe(sends)
  })

  it('an outage gives every file a transient line; exit 1', async () => {
    const file = await invoiceFile('outage.xml', `CLI/O/${Date.now()}`)
    fake.faults.push({
      match: /^POST \/sessions\/online$/,
      times: 5,
      action: { kind: 'status', status: 503, body: '{"title":"Unavailable","status":503}' },
    })
    const io = captureIo({ env: { KSEF_TOKEN: fake.token } })
    expect(await runCli(['ksef', 'send', '--base-url', fake.url, '--nip', fake.nip, file], io)).toBe(1)
    expect(io.out().split('\t').slice(0, 3)).toEqual([file, 'transient', 'HTTP_503'])
    fake.faults.length = 0
  })
})

describe('ksef incoming', () => {
  it('lists purchase invoices and downloads them', async () => {
    const bytes = sampleInvoice({ sellerNip: '1111111111', buyerNip: fake.nip, number: 'IN/1' })
    fake.incoming.push({
      bytes,
      metadata: {
        ksefNumber: '1111111111-20260201-0123456789AB-00',
        invoiceNumber: 'IN/1',
        issueDate: '2026-02-01',
        invoicingDate: '2026-02-01T10:00:00Z',
        acquisitionDate: '2026-02-01T10:00:00Z',
        permanentStorageDate: '2026-02-01T10:00:00Z',
        seller: { nip: '1111111111' },
        buyer: { identifier: { type: 'Nip', value: fake.nip } },
        netAmount: 100,
        grossAmount: 123.45,
        vatAmount: 23,
        currency: 'PLN',
        invoicingMode: 'Online',
        invoiceType: 'Vat',
        formCode: { systemCode: 'FA (3)', schemaVersion: '1-0E', value: 'FA' },
        isSelfInvoicing: false,
        hasAttachment: false,
        invoiceHash: 'x',
      },
    })
    const out = join(dir, 'incoming')
    const io = captureIo({ env: { KSEF_TOKEN: fake.token }, cwd: dir })
    const code = await runCli(
      [
        'ksef',
        'incoming',
        '--base-url',
        fake.url,
        '--nip',
        fake.nip,
        '--from',
        '2026-01-01T00:00:00Z',
        '--download-dir',
        out,
      ],
      io,
    )
    expect(code).toBe(0)
    expect(io.out().trim()).toBe('1111111111-20260201-0123456789AB-00\tIN/1\t1111111111\t2026-02-01\t123.45\tPLN')
    expect(io.err()).toContain('next --from: 2026-12-31T23:59:59Z')
    expect(
      Buffer.from(await readFile(join(out, '1111111111-20260201-0123456789AB-00.xml'))).equals(Buffer.from(bytes)),
    ).toBe(true)
  })
})
