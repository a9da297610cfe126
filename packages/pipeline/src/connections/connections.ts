/**
 * A tenant's connections: the one place that says which connector serves a tenant, with which settings and
 * secrets. The API, the CLI and tenant files all come through {@link saveConnection}, which checks settings and
 * secrets against the connector's own schemas before anything is stored.
 *
 * @module
 */
import { checkConnection, describeProblems } from '@ksef-hub/connector-sdk'
import type { Kysely, Selectable, Transaction } from 'kysely'
import { appendAudit } from '../audit/audit.ts'
import type { ConnectionsTable } from '../db/connections-schema.ts'
import type { Database } from '../db/schema.ts'
import { PipelineError } from '../errors.ts'
import { newRecordId } from '../invoices/keys.ts'
import type { MasterKeyRing } from '../secrets/master-key.ts'
import { getSecret, putSecret } from '../secrets/store.ts'
import { type ConnectorRegistry, connectorOf } from './registry.ts'

type Db = Kysely<Database> | Transaction<Database>

const NAME = /^[a-z][a-z0-9-]{1,40}$/

/** The name of a connection's secrets (one JSON object) in the tenant's store. */
export const connectionSecretName = (name: string): string => `connector:${name}`

/** A connection to create or change. */
export interface ConnectionInput {
  /** Unique within the tenant (default: the connector's id); the `source` of the invoices it brings. */
  readonly name?: string
  readonly connector: string
  /** Kept when not given (a new connection: `true`). */
  readonly enabled?: boolean
  /** Import purchase invoices from KSeF into the system (the connector must be able to); kept when not given. */
  readonly importIncoming?: boolean
  readonly settings?: Record<string, unknown>
  /** Replaces the stored secrets when given; the stored ones are kept (and checked) otherwise. */
  readonly secrets?: Record<string, unknown>
}

/** A connection as the pipeline hands it out (never its secrets). */
export interface ConnectionRecord {
  readonly id: string
  readonly tenantId: string
  readonly name: string
  readonly connector: string
  readonly enabled: boolean
  readonly importIncoming: boolean
  readonly settings: Record<string, unknown>
  /** `needs_reauth` once the system refused the grant: nothing is tried until the secrets are set again. */
  readonly status: 'active' | 'needs_reauth'
  readonly statusReason: string | null
  readonly createdAt: Date
  readonly updatedAt: Date
}

/**
 * The record of a stored row.
 *
 * @example
 * ```ts
 * const connection = toConnectionRecord(row)
 * ```
 */
export function toConnectionRecord(row: Selectable<ConnectionsTable>): ConnectionRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    connector: row.connector,
    enabled: row.enabled,
    importIncoming: row.import_incoming,
    settings: row.settings,
    status: row.status,
    statusReason: row.status_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

/**
 * A connection's secrets as stored (`{}` when none are).
 *
 * @example
 * ```ts
 * const secrets = await connectionSecrets(db, ring, 'acme', 'hubspot')
 * ```
 */
export async function connectionSecrets(
  db: Db,
  ring: MasterKeyRing,
  tenantId: string,
  name: string,
): Promise<Record<string, unknown>> {
  const stored = await getSecret(db, ring, tenantId, connectionSecretName(name))
  return stored === undefined ? {} : (JSON.parse(stored) as Record<string, unknown>)
}

/**
 * Creates a connection, or changes one, after checking its settings and secrets against its connector's schemas.
 * New secrets clear `needs_reauth`: setting them is the re-authorization.
 *
 * @throws {@link PipelineError} `CONFIGURATION` naming the field (`settings.baseUrl`, `secrets.apiKey`), an
 *   unknown connector, a name in use by another connector; nothing is stored then
 * @example
 * ```ts
 * await saveConnection(db, ring, registry, 'acme', { connector: 'custom', settings, secrets: { apiKey } })
 * ```
 */
export async function saveConnection(
  db: Db,
  ring: MasterKeyRing,
  registry: ConnectorRegistry,
  tenantId: string,
  input: ConnectionInput,
  actor = 'system',
): Promise<ConnectionRecord> {
  const name = input.name ?? input.connector
  if (!NAME.test(name) || name === 'api') {
    throw new PipelineError(
      'CONFIGURATION',
      `connection name "${name}" must be 2-41 lower-case letters, digits and hyphens, and not "api"`,
      { field: 'name' },
    )
  }
  const connector = connectorOf(registry, input.connector)
  const existing = await db
    .selectFrom('connections')
    .select(['id', 'connector', 'settings', 'status', 'enabled', 'import_incoming'])
    .where('tenant_id', '=', tenantId)
    .where('name', '=', name)
    .executeTakeFirst()
  if (existing && existing.connector !== input.connector) {
    throw new PipelineError(
      'CONFIGURATION',
      `connection ${name} of tenant ${tenantId} is a ${existing.connector} connection, not ${input.connector}`,
      { field: 'connector' },
    )
  }
  const settings = input.settings ?? existing?.settings ?? {}
  const secrets = input.secrets ?? (await connectionSecrets(db, ring, tenantId, name))
  const checked = checkConnection(connector, settings, secrets)
  if (!checked.ok) {
    throw new PipelineError(
      'CONFIGURATION',
      `connection ${name} (${connector.id}): ${describeProblems(checked.problems)}`,
      { field: checked.problems[0]?.field, problems: checked.problems },
    )
  }
  // Kept when not given, as settings and secrets are: a re-authorization that sends only new secrets (the CLI's
  // `connector enable --secret`, the API) turned imports off and enabled a connection a person had disabled.
  const importIncoming = input.importIncoming ?? existing?.import_incoming ?? false
  if (importIncoming && !connector.importIncoming) {
    throw new PipelineError('CONFIGURATION', `connection ${name}: ${connector.id} cannot import incoming invoices`, {
      field: 'importIncoming',
    })
  }
  const enabled = input.enabled ?? existing?.enabled ?? true
  const reauthorized = input.secrets !== undefined && existing?.status === 'needs_reauth'
  const id = existing?.id ?? newRecordId()
  // One transaction: a refusal after the row is written (putSecret refuses a deleted tenant) must leave nothing.
  const store = async (trx: Transaction<Database>) => {
    const row = await trx
      .insertInto('connections')
      .values({
        id,
        tenant_id: tenantId,
        name,
        connector: connector.id,
        enabled,
        import_incoming: importIncoming,
        settings: JSON.stringify(settings),
      })
      .onConflict((conflict) =>
        conflict.columns(['tenant_id', 'name']).doUpdateSet({
          enabled,
          import_incoming: importIncoming,
          settings: JSON.stringify(settings),
          updated_at: new Date(),
          ...(reauthorized ? { status: 'active' as const, status_reason: null } : {}),
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow()
    if (input.secrets !== undefined) {
      await putSecret(trx, ring, tenantId, connectionSecretName(name), JSON.stringify(input.secrets))
    }
    await appendAudit(trx, {
      tenantId,
      kind: existing ? 'connection.updated' : 'connection.created',
      actor,
      details: {
        connection: name,
        connector: connector.id,
        enabled,
        importIncoming,
        settings: Object.keys(settings),
        // Not `secretsSet`: the audit's redaction blanks any key that says secret, and the entry lost its point.
        credentialsReplaced: input.secrets !== undefined,
        ...(reauthorized ? { reauthorized: true } : {}),
      },
    })
    return toConnectionRecord(row)
  }
  return db.isTransaction ? store(db as Transaction<Database>) : db.transaction().execute(store)
}

/**
 * A connection of a tenant, by name or id.
 *
 * @throws {@link PipelineError} `NOT_FOUND` (also for another tenant's connection)
 * @example
 * ```ts
 * const connection = await getConnection(db, 'acme', 'hubspot')
 * ```
 */
export async function getConnection(db: Db, tenantId: string, nameOrId: string): Promise<ConnectionRecord> {
  const row = await db
    .selectFrom('connections')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where((where) => where.or([where('name', '=', nameOrId), where('id', '=', nameOrId)]))
    .executeTakeFirst()
  if (!row) throw new PipelineError('NOT_FOUND', `tenant ${tenantId} has no connection ${nameOrId}`)
  return toConnectionRecord(row)
}

/**
 * A tenant's connections, by name.
 *
 * @example
 * ```ts
 * for (const connection of await listConnections(db, 'acme')) console.log(connection.name, connection.status)
 * ```
 */
export async function listConnections(db: Db, tenantId: string): Promise<ConnectionRecord[]> {
  const rows = await db
    .selectFrom('connections')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('name')
    .execute()
  return rows.map(toConnectionRecord)
}
