import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { testCertificate } from '@ksef-hub/ksef-client/testing'
import { generateMasterKey, openDatabase, verifyApiKey } from '@ksef-hub/pipeline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../cli.ts'
import { captureIo } from '../../io.ts'
import { type FreshDatabase, freshDatabase } from '../../testing/fresh-database.ts'

describe('ksef-hub tenant disable | enable | delete, and a certificate that is checked', () => {
  let database: FreshDatabase
  let env: Record<string, string>
  let dir: string
  beforeAll(async () => {
    database = await freshDatabase('cli_lifecycle')
    dir = await mkdtemp(join(tmpdir(), 'cli-lifecycle-'))
    env = { DATABASE_URL: database.url, KSEF_HUB_MASTER_KEY: generateMasterKey() }
  })
  afterAll(async () => {
    await database.drop()
    await rm(dir, { recursive: true, force: true })
  })

  const run = async (args: string[]) => {
    const io = captureIo({ env, cwd: dir })
    const code = await runCli(['tenant', ...args], io)
    return { code, out: io.out(), err: io.err() }
  }
  const keyWorks = async (apiKey: string) => {
    const hub = await openDatabase({ url: database.url, migrate: false })
    try {
      return (await verifyApiKey(hub.db, apiKey)) !== null
    } finally {
      await hub.close()
    }
  }

  it('disables and enables a tenant, and deletes it only with --confirm', async () => {
    const created = JSON.parse(
      (await run(['create', '--name', 'Acme', '--nip', '5265877635', '--environment', 'test', '--json'])).out,
    )
    expect(JSON.parse((await run(['disable', 'acme', '--json'])).out)).toEqual({ id: 'acme', changed: true })
    expect(await keyWorks(created.apiKey)).toBe(false)
    expect((await run(['enable', 'acme'])).out).toMatch(/tenant acme enabled/)
    expect(await keyWorks(created.apiKey)).toBe(true)
    const unconfirmed = await run(['delete', 'acme'])
    expect(unconfirmed.code).toBe(2)
    expect(unconfirmed.err).toMatch(/give --confirm acme/)
    const deleted = await run(['delete', 'acme', '--confirm', 'acme', '--json'])
    expect(deleted.code).toBe(0)
    expect(JSON.parse(deleted.out)).toMatchObject({ tenantId: 'acme', erased: { apiKeys: 1 }, kept: { invoices: 0 } })
    expect(await keyWorks(created.apiKey)).toBe(false)
    const again = await run(['enable', 'acme'])
    expect(again.code).toBe(1)
    expect(again.err).toMatch(/was deleted; deletion is final/)
  })

  it('refuses a certificate upload of PEM markers around junk, or with a key that is not its own', async () => {
    await run(['create', '--name', 'Beta', '--nip', '9999999999', '--environment', 'test'])
    const rsa = testCertificate('seal-rsa')
    const files = {
      junk: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      cert: rsa.certificatePem,
      key: rsa.privateKeyPem,
      other: testCertificate('seal-ec').privateKeyPem,
    }
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, `${name}.pem`), text)
    const junk = await run(['credentials', 'beta', '--certificate', 'junk.pem', '--private-key', 'key.pem'])
    expect(junk.code).toBe(1)
    expect(junk.err).toMatch(/certificate: not an X\.509 certificate in PEM/)
    const foreign = await run(['credentials', 'beta', '--certificate', 'cert.pem', '--private-key', 'other.pem'])
    expect(foreign.err).toMatch(/privateKey: the private key is not the certificate's key/)
    const good = await run(['credentials', 'beta', '--certificate', 'cert.pem', '--private-key', 'key.pem', '--json'])
    expect(JSON.parse(good.out)).toEqual({ id: 'beta', credentials: 'certificate' })
  })
})
