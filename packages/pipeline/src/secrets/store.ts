/**
 * Secrets of tenants at rest: envelope-encrypted rows in `hub.secrets`, never returned by any listing.
 *
 * @module
 */
import type { Kysely, Transaction } from 'kysely'
import { appendAudit } from '../audit/audit.ts'
import type { Database } from '../db/schema.ts'
import { PipelineError } from '../errors.ts'
import { open, rewrap, type Sealed, seal } from './envelope.ts'
import type { MasterKeyRing } from './master-key.ts'

type Db = Kysely<Database> | Transaction<Database>

const aadOf = (tenantId: string, name: string) => `tenant:${tenantId}/${name}`

/**
 * Stores (or replaces) a secret of a tenant.
 *
 * @example
 * ```ts
 * await putSecret(db, ring, 'acme', 'ksef-token', token)
 * ```
 */
export async function putSecret(
  db: Db,
  ring: MasterKeyRing,
  tenantId: string,
  name: string,
  value: string,
): Promise<void> {
  // A deleted tenant's secrets were erased for good (tenants/lifecycle.ts): none comes back, from a tenant file
  // or anywhere else.
  const deleted = await db
    .selectFrom('tenants')
    .select('id')
    .where('id', '=', tenantId)
    .where('deleted_at', 'is not', null)
    .executeTakeFirst()
  if (deleted) throw new PipelineError('ILLEGAL_TRANSITION', `tenant ${tenantId} was deleted; it keeps no secrets`)
  const sealed = seal(ring, Buffer.from(value, 'utf8'), aadOf(tenantId, name))
  const row = {
    tenant_id: tenantId,
    name,
    key_id: sealed.keyId,
    wrapped_key: sealed.wrappedKey,
    iv: sealed.iv,
    tag: sealed.tag,
    ciphertext: sealed.ciphertext,
  }
  await db
    .insertInto('secrets')
    .values(row)
    .onConflict((conflict) => conflict.columns(['tenant_id', 'name']).doUpdateSet({ ...row, updated_at: new Date() }))
    .execute()
  await appendAudit(db, { tenantId, kind: 'secret.set', actor: 'system', details: { name } })
}

function sealedOf(row: {
  key_id: string
  wrapped_key: Uint8Array
  iv: Uint8Array
  tag: Uint8Array
  ciphertext: Uint8Array
}): Sealed {
  return {
    keyId: row.key_id,
    wrappedKey: Buffer.from(row.wrapped_key),
    iv: Buffer.from(row.iv),
    tag: Buffer.from(row.tag),
    ciphertext: Buffer.from(row.ciphertext),
  }
}

/**
 * Reads a secret of a tenant, or `undefined` when it has none.
 *
 * @example
 * ```ts
 * const token = await getSecret(db, ring, 'acme', 'ksef-token')
 * ```
 */
export async function getSecret(
  db: Db,
  ring: MasterKeyRing,
  tenantId: string,
  name: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('secrets')
    .select(['key_id', 'wrapped_key', 'iv', 'tag', 'ciphertext'])
    .where('tenant_id', '=', tenantId)
    .where('name', '=', name)
    .executeTakeFirst()
  return row ? open(ring, sealedOf(row), aadOf(tenantId, name)).toString('utf8') : undefined
}

/**
 * The names of a tenant's secrets (never their values).
 *
 * @example
 * ```ts
 * await secretNames(db, 'acme') // ['ksef-token']
 * ```
 */
export async function secretNames(db: Db, tenantId: string): Promise<string[]> {
  const rows = await db.selectFrom('secrets').select('name').where('tenant_id', '=', tenantId).orderBy('name').execute()
  return rows.map((row) => row.name)
}

/**
 * Re-wraps every secret not yet under the current master key. Run after adding a new `KSEF_HUB_MASTER_KEY` and
 * moving the old one to `KSEF_HUB_OLD_MASTER_KEYS`; then the old key can be retired.
 *
 * @returns how many secrets were re-wrapped
 * @example
 * ```ts
 * const count = await rotateSecrets(db, ring)
 * ```
 */
export async function rotateSecrets(db: Kysely<Database>, ring: MasterKeyRing): Promise<number> {
  const rows = await db.selectFrom('secrets').selectAll().where('key_id', '<>', ring.current.id).execute()
  for (const row of rows) {
    const rotated = rewrap(ring, sealedOf(row), aadOf(row.tenant_id, row.name))
    await db
      .updateTable('secrets')
      .set({ key_id: rotated.keyId, wrapped_key: rotated.wrappedKey, updated_at: new Date() })
      .where('tenant_id', '=', row.tenant_id)
      .where('name', '=', row.name)
      .where('key_id', '=', row.key_id)
      .execute()
  }
  if (rows.length) await appendAudit(db, { kind: 'secret.rotated', actor: 'system', details: { count: rows.length } })
  return rows.length
}
