import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyApiKey } from '../api-keys/api-keys.ts'
import { listConnections } from '../connections/connections.ts'
import { connectorRegistry } from '../connections/registry.ts'
import { getSecret } from '../secrets/store.ts'
import { getTenant } from '../tenants/tenants.ts'
import { testBackends } from '../testing/backends.ts'
import { testConnector } from '../testing/connectors.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import { parseTenantFile } from './load.ts'
import { reconcileTenants } from './reconcile.ts'

const registry = connectorRegistry([testConnector('hubspot')])
const API_KEY = 'ksh_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB'

describe.each(testBackends())('reconciling tenant files (%s)', (backend) => {
  let context: TestContext
  let dir: string
  beforeAll(async () => {
    context = await openTestContext(backend)
    dir = await mkdtemp(join(tmpdir(), 'reconcile-'))
  })
  afterAll(async () => {
    await context.close()
    await rm(dir, { recursive: true, force: true })
  })

  const acme = (extra = '') =>
    parseTenantFile(
      'acme.yaml',
      `id: acme
name: Acme
nip: "5265877635"
environment: test
ksefBaseUrl: { env: SIM_URL }
settings: { batchThreshold: 50 }
credentials:
  ksefToken: { env: ACME_KSEF_TOKEN }
apiKey: { env: ACME_API_KEY }
connectors:
  hubspot:
    settings: { pipeline: default }
    secrets:
      accessToken: { file: ${join(dir, 'hubspot-token')} }
webhooks:
  - url: https://example.com/hooks
    events: [invoice.confirmed]
    secret: { env: ACME_WEBHOOK_SECRET }
${extra}`,
    )
  const env = {
    SIM_URL: 'http://127.0.0.1:4010/v2',
    ACME_KSEF_TOKEN: 'ksef-token-value',
    ACME_API_KEY: API_KEY,
    ACME_WEBHOOK_SECRET: 'whsec_file',
  }

  it('creates the tenant and stores the referenced secrets encrypted', async () => {
    await writeFile(join(dir, 'hubspot-token'), 'hubspot-token-value\n')
    const [report] = await reconcileTenants(context, [acme()], env, registry)
    expect(report).toMatchObject({ id: 'acme', action: 'created', warnings: [] })
    expect(report?.secrets).toEqual(['ksef-token', 'connector:hubspot'])
    const tenant = await getTenant(context.db, 'acme')
    expect(tenant).toMatchObject({ environment: 'test', ksefBaseUrl: 'http://127.0.0.1:4010/v2' })
    expect(tenant.settings.batchThreshold).toBe(50)
    expect(await getSecret(context.db, context.keys, 'acme', 'ksef-token')).toBe('ksef-token-value')
    expect(JSON.parse((await getSecret(context.db, context.keys, 'acme', 'connector:hubspot')) ?? '')).toEqual({
      accessToken: 'hubspot-token-value',
    })
    expect(await listConnections(context.db, 'acme')).toMatchObject([
      { name: 'hubspot', connector: 'hubspot', enabled: true, status: 'active', settings: { pipeline: 'default' } },
    ])
    expect(await verifyApiKey(context.db, API_KEY)).toMatchObject({ tenantId: 'acme' })
    const rows = await context.db.selectFrom('secrets').select(['name', 'ciphertext']).execute()
    for (const row of rows) expect(Buffer.from(row.ciphertext).toString()).not.toMatch(/value/)
  })

  it('updates on the next start, idempotently (settings back to the file, no second webhook)', async () => {
    await reconcileTenants(context, [acme()], env, registry)
    const [report] = await reconcileTenants(context, [acme()], env, registry)
    expect(report?.action).toBe('updated')
    const hooks = await context.db.selectFrom('webhook_subscriptions').select('url').execute()
    expect(hooks).toHaveLength(1)
    const keys = await context.db.selectFrom('api_keys').select('id').where('revoked_at', 'is', null).execute()
    expect(keys).toHaveLength(1)
  })

  it('refuses to move a tenant to another environment, or to point it at another environment’s KSeF', async () => {
    const moved = parseTenantFile('acme.yaml', 'id: acme\nname: Acme\nnip: "5265877635"\nenvironment: prod\n')
    const [report] = await reconcileTenants(context, [moved], env, registry)
    expect(report).toMatchObject({ action: 'failed', error: expect.stringMatching(/bound to TEST/) })
    const pointed = parseTenantFile(
      'acme.yaml',
      'id: acme\nname: Acme\nnip: "5265877635"\nenvironment: test\nksefBaseUrl: https://api.ksef.mf.gov.pl/v2\n',
    )
    const [refused] = await reconcileTenants(context, [pointed], env, registry)
    expect(refused).toMatchObject({
      action: 'failed',
      error: expect.stringMatching(/TEST tenant cannot use api\.ksef\.mf\.gov\.pl/),
    })
    expect((await getTenant(context.db, 'acme')).ksefBaseUrl).toBe('http://127.0.0.1:4010/v2')
  })

  it('reports a missing environment variable without touching the tenant, and goes on with the others', async () => {
    const other = parseTenantFile('other.yaml', 'id: other\nname: Other\nnip: "9999999999"\nenvironment: demo\n')
    const reports = await reconcileTenants(context, [acme(), other], { ...env, ACME_KSEF_TOKEN: undefined }, registry)
    expect(reports[0]).toMatchObject({ action: 'failed', error: expect.stringMatching(/ACME_KSEF_TOKEN is not set/) })
    expect(reports[0]?.error).not.toContain('ksef-token-value')
    expect(reports[1]).toMatchObject({ id: 'other', action: 'created' })
  })

  it('warns about a secret declared as stored that is not in the store yet', async () => {
    const stored = parseTenantFile(
      'stored.yaml',
      'id: stored\nname: S\nnip: "1111111111"\nenvironment: test\ncredentials:\n  ksefToken: { stored: true }\n',
    )
    const [report] = await reconcileTenants(context, [stored], {}, registry)
    expect(report?.warnings).toEqual([expect.stringMatching(/ksef-token is declared as stored/)])
  })

  it('checks each connection against its connector: a bad setting, a missing secret or an unknown connector stops the file', async () => {
    const file = (connectors: string) =>
      parseTenantFile(
        'conn.yaml',
        `id: conn\nname: Conn\nnip: "5265877635"\nenvironment: test\nconnectors:\n${connectors}`,
      )
    const [badSetting] = await reconcileTenants(
      context,
      [file('  hubspot:\n    settings: { baseUrl: not-a-url }\n    secrets: { accessToken: { env: TOKEN } }\n')],
      { TOKEN: 't' },
      registry,
    )
    expect(badSetting).toMatchObject({ action: 'failed', error: expect.stringMatching(/settings\.baseUrl/) })
    const [noSecret] = await reconcileTenants(context, [file('  hubspot:\n    settings: {}\n')], {}, registry)
    expect(noSecret).toMatchObject({ action: 'failed', error: expect.stringMatching(/secrets\.accessToken/) })
    const [unknown] = await reconcileTenants(context, [file('  sap:\n    settings: {}\n')], {}, registry)
    expect(unknown).toMatchObject({
      action: 'failed',
      error: expect.stringMatching(/connector sap is not installed in this hub \(installed: hubspot\)/),
    })
    // Nothing of a failed file is stored: not the tenant, not a connection.
    expect(await context.db.selectFrom('tenants').select('id').where('id', '=', 'conn').execute()).toEqual([])
  })

  it('connects two accounts of one connector under two names, each with its own secrets', async () => {
    const two = parseTenantFile(
      'two.yaml',
      `id: two
name: Two
nip: "5265877635"
environment: test
connectors:
  crm-pl:
    connector: hubspot
    settings: { pipeline: pl }
    secrets: { accessToken: { env: PL } }
  crm-de:
    connector: hubspot
    enabled: false
    settings: { pipeline: de }
    secrets: { accessToken: { env: DE } }
`,
    )
    const [report] = await reconcileTenants(context, [two], { PL: 'token-pl', DE: 'token-de' }, registry)
    expect(report).toMatchObject({ action: 'created', secrets: ['connector:crm-pl', 'connector:crm-de'] })
    expect(await listConnections(context.db, 'two')).toMatchObject([
      { name: 'crm-de', connector: 'hubspot', enabled: false, settings: { pipeline: 'de' } },
      { name: 'crm-pl', connector: 'hubspot', enabled: true, settings: { pipeline: 'pl' } },
    ])
    expect(JSON.parse((await getSecret(context.db, context.keys, 'two', 'connector:crm-de')) ?? '')).toEqual({
      accessToken: 'token-de',
    })
  })

  it('parses a certificate from a tenant file before storing it, as the API and the CLI do', async () => {
    await writeFile(join(dir, 'junk.crt'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')
    await writeFile(join(dir, 'junk.key'), '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n')
    const file = parseTenantFile(
      'cert.yaml',
      `id: cert\nname: Cert\nnip: "5265877635"\nenvironment: test\ncredentials:\n  ksefCertificate:\n    certificate: { file: ${join(dir, 'junk.crt')} }\n    privateKey: { file: ${join(dir, 'junk.key')} }\n`,
    )
    const [report] = await reconcileTenants(context, [file], {}, registry)
    expect(report).toMatchObject({ action: 'failed', error: expect.stringMatching(/certificate/) })
    expect(await context.db.selectFrom('tenants').select('id').where('id', '=', 'cert').execute()).toEqual([])
  })
})
