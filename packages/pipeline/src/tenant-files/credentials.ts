/**
 * A tenant's KSeF credentials and connectors, as the reconciler, the CLI and the API set them. Credentials go
 * only into the encrypted store, under the names the worker reads (`ksef-token`, `ksef-certificate`).
 *
 * @module
 */
import type { Kysely, Transaction } from 'kysely'
import { appendAudit } from '../audit/audit.ts'
import type { Database } from '../db/schema.ts'
import { PipelineError } from '../errors.ts'
import type { MasterKeyRing } from '../secrets/master-key.ts'
import { putSecret, secretNames } from '../secrets/store.ts'

type Db = Kysely<Database> | Transaction<Database>

/** KSeF credentials: a KSeF token, or a certificate with its private key (PEM). */
export type KsefCredentialsInput =
  | { readonly token: string }
  | { readonly certificate: string; readonly privateKey: string }

/**
 * Stores a tenant's KSeF credentials (encrypted), replacing the other kind.
 *
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
): Promise<void> {
  if ('token' in credentials) {
    if (!credentials.token.trim()) throw new PipelineError('CONFIGURATION', 'the KSeF token is empty')
    await putSecret(db, ring, tenantId, 'ksef-token', credentials.token.trim())
    await db.deleteFrom('secrets').where('tenant_id', '=', tenantId).where('name', '=', 'ksef-certificate').execute()
    return
  }
  if (!credentials.certificate.includes('BEGIN CERTIFICATE') || !credentials.privateKey.includes('PRIVATE KEY')) {
    throw new PipelineError('CONFIGURATION', 'the certificate and the private key must be PEM')
  }
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

/** The name of a connector's secrets (one JSON object) in the tenant's store. */
export const connectorSecretName = (connector: string): string => `connector:${connector}`

/** A connector of a tenant. */
export interface TenantConnector {
  readonly connector: string
  readonly enabled: boolean
  readonly settings: Record<string, unknown>
}

/**
 * Enables (or updates) a connector for a tenant, with its settings and, optionally, its secrets.
 *
 * @example
 * ```ts
 * await enableConnector(db, ring, 'acme', 'hubspot', { settings: { pipeline: 'default' }, secrets: { token } })
 * ```
 */
export async function enableConnector(
  db: Db,
  ring: MasterKeyRing,
  tenantId: string,
  connector: string,
  input: { enabled?: boolean; settings?: Record<string, unknown>; secrets?: Record<string, string> } = {},
): Promise<TenantConnector> {
  if (!/^[a-z][a-z0-9-]{1,40}$/.test(connector)) {
    throw new PipelineError(
      'CONFIGURATION',
      `connector id "${connector}" must be lower-case letters, digits and hyphens`,
    )
  }
  const enabled = input.enabled ?? true
  const settings = input.settings ?? {}
  await db
    .insertInto('tenant_connectors')
    .values({ tenant_id: tenantId, connector, enabled, settings: JSON.stringify(settings) })
    .onConflict((conflict) =>
      conflict
        .columns(['tenant_id', 'connector'])
        .doUpdateSet({ enabled, settings: JSON.stringify(settings), updated_at: new Date() }),
    )
    .execute()
  if (input.secrets && Object.keys(input.secrets).length > 0) {
    await putSecret(db, ring, tenantId, connectorSecretName(connector), JSON.stringify(input.secrets))
  }
  await appendAudit(db, {
    tenantId,
    kind: enabled ? 'connector.enabled' : 'connector.disabled',
    actor: 'system',
    details: { connector, settings: Object.keys(settings) },
  })
  return { connector, enabled, settings }
}

/**
 * A tenant's connectors.
 *
 * @example
 * ```ts
 * const connectors = await listConnectors(db, 'acme')
 * ```
 */
export async function listConnectors(db: Db, tenantId: string): Promise<TenantConnector[]> {
  const rows = await db
    .selectFrom('tenant_connectors')
    .select(['connector', 'enabled', 'settings'])
    .where('tenant_id', '=', tenantId)
    .orderBy('connector')
    .execute()
  return rows.map((row) => ({ connector: row.connector, enabled: row.enabled, settings: row.settings }))
}
