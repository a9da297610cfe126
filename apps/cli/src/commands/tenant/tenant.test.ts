import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { testCertificate } from '@ksef-hub/ksef-client/testing'
import { generateMasterKey, getSecret, masterKeyRing, openDatabase, verifyApiKey } from '@ksef-hub/pipeline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../cli.ts'
import { captureIo } from '../../io.ts'
import { type FreshDatabase, freshDatabase } from '../../testing/fresh-database.ts'

describe('ksef-hub tenant (PostgreSQL via DATABASE_URL)', () => {
  let database: FreshDatabase
  let env: Record<string, string>
  let dir: string
  beforeAll(async () => {
    database = await freshDatabase('cli')
    dir = await mkdtemp(join(tmpdir(), 'cli-tenant-'))
    env = {
      DATABASE_URL: database.url,
      KSEF_HUB_MASTER_KEY: generateMasterKey(),
      // A plugin from outside the checkout, as an operator would name one.
      KSEF_HUB_CONNECTORS: join(import.meta.dirname, '..', '..', 'testing', 'test-connector.ts'),
    }
  })
  afterAll(async () => {
    await database.drop()
    await rm(dir, { recursive: true, force: true })
  })

  const run = async (args: string[], extraEnv: Record<string, string> = {}) => {
    const io = captureIo({ env: { ...env, ...extraEnv }, cwd: dir })
    const code = await runCli(['tenant', ...args], io)
    return { code, out: io.out(), err: io.err() }
  }

  it('creates a tenant and prints {"id", "apiKey"} with --json; the key works and the token is encrypted', async () => {
    const created = await run([
      'create',
      '--name',
      'Acme Sp. z o.o.',
      '--nip',
      '5265877635',
      '--environment',
      'test',
      '--ksef-base-url',
      'http://127.0.0.1:4010/v2',
      '--ksef-token',
      'token-from-cli',
      '--json',
    ])
    expect(created.code).toBe(0)
    const result = JSON.parse(created.out)
    expect(Object.keys(result)).toEqual(['id', 'apiKey'])
    expect(result.id).toBe('acme-sp-z-o-o')
    const hub = await openDatabase({ url: database.url, migrate: false })
    try {
      expect(await verifyApiKey(hub.db, result.apiKey)).toMatchObject({ tenantId: result.id })
      const ring = masterKeyRing(env.KSEF_HUB_MASTER_KEY as string)
      expect(await getSecret(hub.db, ring, result.id, 'ksef-token')).toBe('token-from-cli')
    } finally {
      await hub.close()
    }
  })

  it('refuses a TEST tenant pointed at PROD, and bad usage with exit 2', async () => {
    const prod = await run([
      'create',
      '--name',
      'X',
      '--nip',
      '5265877635',
      '--environment',
      'test',
      '--ksef-base-url',
      'https://api.ksef.mf.gov.pl/v2',
    ])
    expect(prod.code).toBe(1)
    expect(prod.err).toMatch(/TEST tenant cannot use api\.ksef\.mf\.gov\.pl/)
    expect((await run(['create', '--name', 'X'])).code).toBe(2)
    expect((await run(['create', '--name', 'X', '--nip', '5265877635', '--environment', 'staging'])).code).toBe(2)
  })

  it('lists, rotates the key, sets credentials, enables a connector and shows the status, all as JSON', async () => {
    const list = JSON.parse((await run(['list', '--json'])).out)
    expect(list).toEqual([expect.objectContaining({ id: 'acme-sp-z-o-o', credentials: 'token', environment: 'test' })])
    expect(JSON.stringify(list)).not.toContain('token-from-cli')
    const rotated = JSON.parse((await run(['rotate-key', 'acme-sp-z-o-o', '--json'])).out)
    expect(rotated.apiKey).toMatch(/^ksh_/)
    const certFile = join(dir, 'cert.pem')
    const keyFile = join(dir, 'key.pem')
    // A real certificate and its key: an upload is parsed and checked (lifecycle.test.ts has the refusals).
    const { certificatePem, privateKeyPem } = testCertificate('seal-rsa')
    await writeFile(certFile, certificatePem)
    await writeFile(keyFile, privateKeyPem)
    const credentials = await run([
      'credentials',
      'acme-sp-z-o-o',
      '--certificate',
      certFile,
      '--private-key',
      keyFile,
      '--json',
    ])
    expect(JSON.parse(credentials.out)).toEqual({ id: 'acme-sp-z-o-o', credentials: 'certificate' })
    const connector = await run(
      [
        'enable-connector',
        'acme-sp-z-o-o',
        'test-crm',
        '--setting',
        'pipeline=sales',
        '--secret',
        'accessToken=HUBSPOT_TOKEN',
        '--json',
      ],
      { HUBSPOT_TOKEN: 'hs-secret' },
    )
    expect(JSON.parse(connector.out)).toMatchObject({
      name: 'test-crm',
      connector: 'test-crm',
      enabled: true,
      settings: { pipeline: 'sales' },
      secrets: ['accessToken'],
    })
    expect(connector.out).not.toContain('hs-secret')
    const status = JSON.parse((await run(['status', 'acme-sp-z-o-o', '--json'])).out)
    expect(status).toMatchObject({
      id: 'acme-sp-z-o-o',
      environment: 'test',
      credentials: 'certificate',
      connectors: [{ name: 'test-crm', connector: 'test-crm', enabled: true, status: 'active' }],
      invoices: { sent: 0, awaiting_confirmation: 0, confirmed: 0, rejected: 0 },
    })
    expect(status.apiKeys).toEqual([rotated.apiKey.slice(0, 16)])
    const missing = await run(['status', 'nobody'])
    expect(missing.code).toBe(1)
    expect(missing.err).toMatch(/tenant nobody does not exist/)
  })

  it('applies tenant files and prints the schema', async () => {
    const tenants = join(dir, 'tenants')
    await import('node:fs/promises').then((fs) => fs.mkdir(tenants))
    await writeFile(
      join(tenants, 'beta.yaml'),
      'id: beta\nname: Beta\nnip: "9999999999"\nenvironment: demo\ncredentials:\n  ksefToken: { env: BETA_TOKEN }\n',
    )
    const applied = await run(['apply', '--dir', tenants, '--json'], { BETA_TOKEN: 'beta-token' })
    expect(applied.code).toBe(0)
    expect(JSON.parse(applied.out)).toEqual([expect.objectContaining({ id: 'beta', action: 'created' })])
    const failed = await run(['apply', '--dir', tenants])
    expect(failed.code).toBe(1)
    expect(failed.out).toMatch(/beta\tfailed\t.*BETA_TOKEN is not set/)
    const schema = JSON.parse((await run(['schema'])).out)
    expect(schema.title).toBe('KSeF Hub tenant')
  })

  it('re-wraps every secret under a new master key, after which the old key is no longer needed', async () => {
    const newKey = generateMasterKey()
    const rotated = await run(['rewrap-secrets', '--json'], {
      KSEF_HUB_MASTER_KEY: newKey,
      KSEF_HUB_OLD_MASTER_KEYS: env.KSEF_HUB_MASTER_KEY as string,
    })
    expect(JSON.parse(rotated.out).rewrapped).toBeGreaterThanOrEqual(2)
    const hub = await openDatabase({ url: database.url, migrate: false })
    try {
      expect(await getSecret(hub.db, masterKeyRing(newKey), 'beta', 'ksef-token')).toBe('beta-token')
    } finally {
      await hub.close()
    }
  })
})

describe('ksef-hub tenant (embedded PGlite, no configuration)', () => {
  it('generates a master key on first use and keeps tenants in the data folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-embedded-'))
    try {
      const io = captureIo({ env: {}, cwd: dir })
      expect(
        await runCli(
          ['tenant', 'create', '--name', 'Solo', '--nip', '5265877635', '--environment', 'test', '--json'],
          io,
        ),
      ).toBe(0)
      expect(io.err()).toMatch(/generated a master key in .*master\.key/)
      const list = captureIo({ env: {}, cwd: dir })
      expect(await runCli(['tenant', 'list', '--json'], list)).toBe(0)
      expect(JSON.parse(list.out())).toEqual([expect.objectContaining({ id: 'solo', credentials: 'none' })])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
