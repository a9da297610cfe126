import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTenant } from '../tenants/tenants.ts'
import { testBackends } from '../testing/backends.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import { hashApiKey, issueApiKey, listApiKeys, rotateApiKey, verifyApiKey } from './api-keys.ts'

describe.each(testBackends())('API keys (%s)', (backend) => {
  let context: TestContext
  beforeAll(async () => {
    context = await openTestContext(backend)
    await createTenant(context.db, { id: 'acme', name: 'Acme', nip: '5265877635', environment: 'test' })
  })
  afterAll(() => context.close())

  it('stores only a hash, verifies the key, and rotates with an optional grace period', async () => {
    const { id, apiKey } = await issueApiKey(context.db, 'acme')
    expect(apiKey).toMatch(/^ksh_[A-Za-z0-9]{12}_[A-Za-z0-9]{32}$/)
    expect(apiKey.startsWith(id)).toBe(true)
    const row = await context.db.selectFrom('api_keys').selectAll().executeTakeFirstOrThrow()
    expect(row.hash).toBe(hashApiKey(apiKey))
    expect(JSON.stringify(row)).not.toContain(apiKey)
    expect(await verifyApiKey(context.db, apiKey)).toEqual({ keyId: id, tenantId: 'acme' })
    expect(await verifyApiKey(context.db, `${apiKey}x`)).toBeNull()

    const now = new Date()
    const rotated = await rotateApiKey(context.db, 'acme', { graceSeconds: 60, now })
    expect(await verifyApiKey(context.db, apiKey, now)).not.toBeNull()
    expect(await verifyApiKey(context.db, apiKey, new Date(now.getTime() + 61_000))).toBeNull()
    expect(await verifyApiKey(context.db, rotated.apiKey, new Date(now.getTime() + 61_000))).not.toBeNull()
    expect((await listApiKeys(context.db, 'acme')).map((key) => key.id)).toEqual([id, rotated.id])
    await context.db.updateTable('tenants').set({ disabled_at: new Date() }).where('id', '=', 'acme').execute()
    expect(await verifyApiKey(context.db, rotated.apiKey)).toBeNull()
  })
})
