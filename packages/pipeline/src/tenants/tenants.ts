/**
 * Tenants: one client of the hub, one seller (KSeF context) in one KSeF environment.
 *
 * @module
 */
import { isValidNip } from '@ksef-hub/fa3'
import type { Kysely, Transaction } from 'kysely'
import { appendAudit } from '../audit/audit.ts'
import type { Database, Tenant } from '../db/schema.ts'
import { PipelineError } from '../errors.ts'
import { type TenantSettings, tenantSettings, tenantSettingsSchema } from './settings.ts'

type Db = Kysely<Database> | Transaction<Database>

/** KSeF environments. */
export type Environment = 'test' | 'demo' | 'prod'

/** What creating a tenant needs. */
export interface TenantInput {
  /** A stable slug (`acme`, `acme-pl`); generated from the name when absent. */
  readonly id?: string
  readonly name: string
  readonly nip: string
  readonly environment: Environment
  /** A custom KSeF base URL (e.g. the simulator); official URL of the environment when absent. */
  readonly ksefBaseUrl?: string | null
  readonly settings?: Partial<TenantSettings>
}

/** A tenant as the pipeline hands it out. */
export interface TenantRecord {
  readonly id: string
  readonly name: string
  readonly nip: string
  readonly environment: Environment
  readonly ksefBaseUrl: string | null
  readonly settings: TenantSettings
  readonly createdAt: Date
  /** Its API keys do not work (see `lifecycle.ts`); a deleted tenant is disabled too. */
  readonly disabled: boolean
  /** Deleted for good: its secrets and access erased, the record of its invoicing kept. */
  readonly deleted: boolean
}

const ID = /^[a-z0-9][a-z0-9-]{1,62}$/

function slug(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/ł/g, 'l')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48) || 'tenant'
  )
}

/**
 * The record of a stored row.
 *
 * @example
 * ```ts
 * const tenant = toTenantRecord(row)
 * ```
 */
export function toTenantRecord(row: Tenant): TenantRecord {
  return {
    id: row.id,
    name: row.name,
    nip: row.nip,
    environment: row.environment,
    ksefBaseUrl: row.ksef_base_url,
    settings: tenantSettings(row.settings),
    createdAt: row.created_at,
    disabled: row.disabled_at !== null,
    deleted: row.deleted_at !== null,
  }
}

function validate(input: TenantInput): void {
  if (!isValidNip(input.nip)) {
    throw new PipelineError('CONFIGURATION', `tenant NIP ${input.nip} is not a valid NIP (10 digits with a checksum)`)
  }
  if (input.id !== undefined && !ID.test(input.id)) {
    throw new PipelineError(
      'CONFIGURATION',
      `tenant id "${input.id}" must be 2-63 lower-case letters, digits or hyphens`,
    )
  }
  if (input.ksefBaseUrl && !/^https?:\/\/[^\s]+$/.test(input.ksefBaseUrl)) {
    throw new PipelineError('CONFIGURATION', `ksefBaseUrl "${input.ksefBaseUrl}" is not an http(s) URL`)
  }
  const parsed = tenantSettingsSchema.safeParse(input.settings ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new PipelineError('CONFIGURATION', `tenant settings.${issue?.path.join('.')}: ${issue?.message}`)
  }
}

/**
 * Creates a tenant.
 *
 * @example
 * ```ts
 * const tenant = await createTenant(db, { name: 'Acme', nip: '5265877635', environment: 'test' })
 * ```
 */
export async function createTenant(db: Db, input: TenantInput): Promise<TenantRecord> {
  validate(input)
  let id = input.id ?? slug(input.name)
  if (!input.id) {
    const taken = await db.selectFrom('tenants').select('id').where('id', 'like', `${id}%`).execute()
    const ids = new Set(taken.map((row) => row.id))
    for (let n = 2; ids.has(id); n++) id = `${slug(input.name)}-${n}`
  }
  const row = await db
    .insertInto('tenants')
    .values({
      id,
      name: input.name,
      nip: input.nip,
      environment: input.environment,
      ksef_base_url: input.ksefBaseUrl ?? null,
      settings: JSON.stringify(tenantSettingsSchema.parse(input.settings ?? {})),
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  await appendAudit(db, {
    tenantId: id,
    kind: 'tenant.created',
    actor: 'system',
    details: { environment: input.environment },
  })
  return toTenantRecord(row)
}

/**
 * A tenant by id.
 *
 * @throws {@link PipelineError} `NOT_FOUND`
 * @example
 * ```ts
 * const tenant = await getTenant(db, 'acme')
 * ```
 */
export async function getTenant(db: Db, id: string): Promise<TenantRecord> {
  const row = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw new PipelineError('NOT_FOUND', `tenant ${id} does not exist`)
  return toTenantRecord(row)
}

/**
 * Every tenant, by id.
 *
 * @example
 * ```ts
 * for (const tenant of await listTenants(db)) console.log(tenant.id)
 * ```
 */
export async function listTenants(db: Db): Promise<TenantRecord[]> {
  const rows = await db.selectFrom('tenants').selectAll().orderBy('id').execute()
  return rows.map(toTenantRecord)
}

/**
 * Changes a tenant's name, environment, base URL or settings. The NIP and id never change: they identify the
 * tenant's invoices.
 *
 * @example
 * ```ts
 * await updateTenant(db, 'acme', { settings: { batchThreshold: 50 } })
 * ```
 */
export async function updateTenant(
  db: Db,
  id: string,
  change: Partial<Pick<TenantInput, 'name' | 'environment' | 'ksefBaseUrl' | 'settings'>>,
): Promise<TenantRecord> {
  const current = await getTenant(db, id)
  const settings = { ...current.settings, ...(change.settings ?? {}) }
  validate({ ...current, ...change, settings, id })
  const row = await db
    .updateTable('tenants')
    .set({
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(change.environment !== undefined ? { environment: change.environment } : {}),
      ...(change.ksefBaseUrl !== undefined ? { ksef_base_url: change.ksefBaseUrl } : {}),
      settings: JSON.stringify(tenantSettingsSchema.parse(settings)),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
  await appendAudit(db, {
    tenantId: id,
    kind: 'tenant.updated',
    actor: 'system',
    details: { fields: Object.keys(change) },
  })
  return toTenantRecord(row)
}
