/**
 * A tenant's KSeF credentials, as the reconciler, the CLI and the API set them. Credentials go only into the
 * encrypted store, under the names the worker reads (`ksef-token`, `ksef-certificate`).
 *
 * @module
 */
import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../db/schema.ts'
import { PipelineError } from '../errors.ts'
import type { MasterKeyRing } from '../secrets/master-key.ts'
import { putSecret, secretNames } from '../secrets/store.ts'
import { checkKsefCertificate } from '../tenants/ksef-certificate.ts'

type Db = Kysely<Database> | Transaction<Database>

/** KSeF credentials: a KSeF token, or a certificate with its private key (PEM). */
export type KsefCredentialsInput =
  | { readonly token: string }
  | { readonly certificate: string; readonly privateKey: string }

/**
 * Stores a tenant's KSeF credentials (encrypted), replacing the other kind. A certificate is parsed and checked
 * first (its key is its own, not encrypted, valid at `now`), whichever way it comes (API, CLI, tenant file): the
 * worker would find a bad one only when it signs in to KSeF.
 *
 * @throws {@link PipelineError} `CONFIGURATION` naming what is wrong; nothing is stored then
 * @example
 * ```ts
 * await setKsefCredentials(db, ring, 'acme', { token: process.env.KSEF_TOKEN! })
 * ```
 */
export async function setKsefCredentials(
  db: Db,
  ring: MasterKeyRing,
  tenantId: string,
  credentials: KsefCredentialsInput,
  now: Date = new Date(),
): Promise<void> {
  if ('token' in credentials) {
    if (!credentials.token.trim()) throw new PipelineError('CONFIGURATION', 'the KSeF token is empty')
    await putSecret(db, ring, tenantId, 'ksef-token', credentials.token.trim())
    await db.deleteFrom('secrets').where('tenant_id', '=', tenantId).where('name', '=', 'ksef-certificate').execute()
    return
  }
  checkKsefCertificate(credentials, now)
  await putSecret(
    db,
    ring,
    tenantId,
    'ksef-certificate',
    JSON.stringify({ certificate: credentials.certificate, privateKey: credentials.privateKey }),
  )
  await db.deleteFrom('secrets').where('tenant_id', '=', tenantId).where('name', '=', 'ksef-token').execute()
}

/**
 * Which kind of KSeF credentials a tenant has (never the credentials).
 *
 * @example
 * ```ts
 * await ksefCredentialsKind(db, 'acme') // 'token'
 * ```
 */
export async function ksefCredentialsKind(db: Db, tenantId: string): Promise<'token' | 'certificate' | 'none'> {
  const names = await secretNames(db, tenantId)
  if (names.includes('ksef-token')) return 'token'
  return names.includes('ksef-certificate') ? 'certificate' : 'none'
}
