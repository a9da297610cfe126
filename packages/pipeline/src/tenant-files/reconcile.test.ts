import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyApiKey } from '../api-keys/api-keys.ts'
import { getSecret } from '../secrets/store.ts'
import { getTenant } from '../tenants/tenants.ts'
import { testBackends } from '../testing/backends.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import { listConnectors } from './credentials.ts'
import { parseTenantFile } from './load.ts'
import { reconcileTenants } from './reconcile.ts'

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
    const [report] = await reconcileTenants(context, [acme()], env)
    expect(report).toMatchObject({ id: 'acme', action: 'created', warnings: [] })
    expect(report?.secrets).toEqual(['ksef-token', 'connector:hubspot'])
    const tenant = await getTenant(context.db, 'acme')
    expect(tenant).toMatchObject({ environment: 'test', ksefBaseUrl: 'http://127.0.0.1:4010/v2' })
    expect(tenant.settings.batchThreshold).toBe(50)
    expect(await getSecret(context.db, context.keys, 'acme', 'ksef-token')).toBe('ksef-token-value')
    expect(JSON.parse((await getSecret(context.db, context.keys, 'acme', 'connector:hubspot')) ?? '')).toEqual({
      accessToken: 'hubspot-token-value',
    })
    expect(await listConnectors(context.db, 'acme')).toEqual([
      { connector: 'hubspot', enabled: true, settings: { pipeline: 'default' } },
    ])
    expect(await verifyApiKey(context.db, API_KEY)).toMatchObject({ tenantId: 'acme' })
    const rows = await context.db.selectFrom('secrets').select(['name', 'ciphertext']).execute()
    for (const row of rows) expect(Buffer.from(row.ciphertext).toString()).not.toMatch(/value/)
  })

  it('updates on the next start, idempotently (settings back to the file, no second webhook)', async () => {
    await reconcileTenants(context, [acme()], env)
    const [report] = await reconcileTenants(context, [acme()], env)
    expect(report?.action).toBe('updated')
    const hooks = await context.db.selectFrom('webhook_subscriptions').select('url').execute()
    expect(hooks).toHaveLength(1)
    const keys = await context.db.selectFrom('api_keys').select('id').where('revoked_at', 'is', null).execute()
    expect(keys).toHaveLength(1)
  })

  it('refuses to move a tenant to another environment, or to point it at another environment’s KSeF', async () => {
    const moved = parseTenantFile('acme.yaml', 'id: acme\nname: Acme\nnip: "5265877635"\nenvironment: prod\n')
    const [report] = await reconcileTenants(context, [moved], env)
    expect(report).toMatchObject({ action: 'failed', error: expect.stringMatching(/bound to TEST/) })
    const pointed = parseTenantFile(
      'acme.yaml',
      'id: acme\nname: Acme\nnip: "5265877635"\nenvironment: test\nksefBaseUrl: https://api.ksef.mf.gov.pl/v2\n',
    )
    const [refused] = await reconcileTenants(context, [pointed], env)
    expect(refused).toMatchObject({
      action: 'failed',
      error: expect.stringMatching(/TEST tenant cannot use api\.ksef\.mf\.gov\.pl/),
    })
    expect((await getTenant(context.db, 'acme')).ksefBaseUrl).toBe('http://127.0.0.1:4010/v2')
  })

  it('reports a missing environment variable without touching the tenant, and goes on with the others', async () => {
    const other = parseTenantFile('other.yaml', 'id: other\nname: Other\nnip: "9999999999"\nenvironment: demo\n')
    const reports = await reconcileTenants(context, [acme(), other], { ...env, ACME_KSEF_TOKEN: undefined })
    expect(reports[0]).toMatchObject({ action: 'failed', error: expect.stringMatching(/ACME_KSEF_TOKEN is not set/) })
    expect(reports[0]?.error).not.toContain('ksef-token-value')
    expect(reports[1]).toMatchObject({ id: 'other', action: 'created' })
  })

  it('warns about a secret declared as stored that is not in the store yet', async () => {
    const stored = parseTenantFile(
      'stored.yaml',
      'id: stored\nname: S\nnip: "1111111111"\nenvironment: test\ncredentials:\n  ksefToken: { stored: true }\n',
    )
    const [report] = await reconcileTenants(context, [stored], {})
    expect(report?.warnings).toEqual([expect.stringMatching(/ksef-token is declared as stored/)])
  })
})
