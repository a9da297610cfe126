import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTenant } from '../tenants/tenants.ts'
import { testBackends } from '../testing/backends.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import { open, seal } from './envelope.ts'
import { generateMasterKey, masterKeyRing, masterKeyRingFromEnv } from './master-key.ts'
import { getSecret, putSecret, rotateSecrets, secretNames } from './store.ts'

describe('envelope encryption', () => {
  const ring = masterKeyRing(generateMasterKey())

  it('round-trips, and binds a ciphertext to its owner', () => {
    const sealed = seal(ring, Buffer.from('top secret'), 'tenant:a/ksef-token')
    expect(open(ring, sealed, 'tenant:a/ksef-token').toString()).toBe('top secret')
    expect(() => open(ring, sealed, 'tenant:b/ksef-token')).toThrow()
    const tampered = { ...sealed, ciphertext: Buffer.from(sealed.ciphertext.map((byte) => byte ^ 1)) }
    expect(() => open(ring, tampered, 'tenant:a/ksef-token')).toThrow(/altered or moved/)
  })

  it('explains a missing or malformed master key', () => {
    expect(() => masterKeyRingFromEnv({})).toThrow(/KSEF_HUB_MASTER_KEY is not set/)
    expect(() => masterKeyRing('c2hvcnQ=')).toThrow(/32 random bytes in Base64/)
  })
})

describe.each(testBackends())('secrets at rest (%s)', (backend) => {
  let context: TestContext
  beforeAll(async () => {
    context = await openTestContext(backend)
    await createTenant(context.db, { id: 'acme', name: 'Acme', nip: '5265877635', environment: 'test' })
  })
  afterAll(() => context.close())

  it('stores only ciphertext, lists names not values, and decrypts after a master-key rotation', async () => {
    await putSecret(context.db, context.keys, 'acme', 'ksef-token', 'the-ksef-token-value')
    const row = await context.db.selectFrom('secrets').selectAll().executeTakeFirstOrThrow()
    expect(Buffer.from(row.ciphertext).toString()).not.toContain('the-ksef-token-value')
    expect(await secretNames(context.db, 'acme')).toEqual(['ksef-token'])

    const rotated = masterKeyRing(generateMasterKey(), context.keys.current.key.toString('base64'))
    expect(await getSecret(context.db, rotated, 'acme', 'ksef-token')).toBe('the-ksef-token-value')
    expect(await rotateSecrets(context.db, rotated)).toBe(1)
    const onlyNew = masterKeyRing(rotated.current.key.toString('base64'))
    expect(await getSecret(context.db, onlyNew, 'acme', 'ksef-token')).toBe('the-ksef-token-value')
    await expect(getSecret(context.db, context.keys, 'acme', 'ksef-token')).rejects.toMatchObject({
      code: 'SECRET_UNREADABLE',
    })
    const audit = await context.db
      .selectFrom('audit_log')
      .select(['kind', 'details'])
      .where('kind', 'like', 'secret.%')
      .execute()
    expect(JSON.stringify(audit)).not.toContain('the-ksef-token-value')
  })
})
