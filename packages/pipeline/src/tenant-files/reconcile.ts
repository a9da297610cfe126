/**
 * Reconciling tenant files with the database at start: tenants are created or updated to match their files,
 * referenced secrets are read (environment, file) and stored encrypted, connectors and webhooks are set up.
 * Each tenant is reconciled in its own transaction: a broken file stops only its own tenant.
 *
 * @module
 */
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { Transaction } from 'kysely'
import { hashApiKey } from '../api-keys/api-keys.ts'
import { appendAudit } from '../audit/audit.ts'
import { connectionSecretName, connectionSecrets, saveConnection } from '../connections/connections.ts'
import type { ConnectorRegistry } from '../connections/registry.ts'
import type { PipelineContext } from '../context.ts'
import type { Database } from '../db/schema.ts'
import { PipelineError } from '../errors.ts'
import { putSecret, secretNames } from '../secrets/store.ts'
import { tenantSettingsSchema } from '../tenants/settings.ts'
import { createTenant, updateTenant } from '../tenants/tenants.ts'
import { signingSecretName } from '../webhooks/subscriptions.ts'
import { setKsefCredentials } from './credentials.ts'
import { assertBaseUrlAllowed } from './environment-binding.ts'
import type { SecretRef, TenantFile } from './schema.ts'

type Env = Readonly<Record<string, string | undefined>>

/** What reconciling one tenant file did. */
export interface ReconcileReport {
  readonly id: string
  readonly path: string
  readonly action: 'created' | 'updated' | 'failed'
  /** The secrets stored from references (names only). */
  readonly secrets: readonly string[]
  readonly warnings: readonly string[]
  readonly error?: string
}

async function resolve(ref: SecretRef, env: Env, where: string): Promise<string | undefined> {
  if ('env' in ref) {
    const value = env[ref.env]
    if (value === undefined || value === '') {
      throw new PipelineError('CONFIGURATION', `${where}: environment variable ${ref.env} is not set`)
    }
    return value
  }
  if ('file' in ref) {
    try {
      return (await readFile(ref.file, 'utf8')).trim()
    } catch (error) {
      throw new PipelineError(
        'CONFIGURATION',
        `${where}: cannot read ${ref.file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      )
    }
  }
  return undefined
}

interface Resolved {
  readonly baseUrl: string | null
  readonly token?: string
  readonly certificate?: { certificate: string; privateKey: string }
  readonly apiKey?: string
  readonly connectors: Record<string, Record<string, string>>
  readonly webhooks: (TenantFile['webhooks'][number] & { secretValue?: string })[]
  readonly stored: string[]
}

async function resolveFile(file: TenantFile, env: Env): Promise<Resolved> {
  const stored: string[] = []
  const note = async (ref: SecretRef | undefined, where: string, name: string) => {
    if (!ref) return undefined
    if ('stored' in ref) stored.push(name)
    return resolve(ref, env, where)
  }
  let baseUrl: string | null = null
  if (typeof file.ksefBaseUrl === 'string') baseUrl = file.ksefBaseUrl
  else if (file.ksefBaseUrl) {
    baseUrl = (await resolve(file.ksefBaseUrl, env, 'ksefBaseUrl')) ?? null
  }
  assertBaseUrlAllowed(file.environment, baseUrl)
  const token = await note(file.credentials.ksefToken, 'credentials.ksefToken', 'ksef-token')
  const cert = file.credentials.ksefCertificate
  const certificate = cert
    ? {
        certificate: await note(cert.certificate, 'credentials.ksefCertificate.certificate', 'ksef-certificate'),
        privateKey: await note(cert.privateKey, 'credentials.ksefCertificate.privateKey', 'ksef-certificate'),
      }
    : undefined
  if (token !== undefined && certificate?.certificate !== undefined) {
    throw new PipelineError('CONFIGURATION', 'credentials: give a KSeF token or a certificate, not both')
  }
  const apiKey = await note(file.apiKey, 'apiKey', 'api-key')
  if (apiKey !== undefined && !/^ksh_[A-Za-z0-9]{12}_[A-Za-z0-9]{32}$/.test(apiKey)) {
    throw new PipelineError('CONFIGURATION', 'apiKey: must be ksh_<12 letters or digits>_<32 letters or digits>')
  }
  const connectors: Record<string, Record<string, string>> = {}
  for (const [name, connection] of Object.entries(file.connectors)) {
    const values: Record<string, string> = {}
    for (const [secret, ref] of Object.entries(connection.secrets)) {
      const value = await note(ref, `connectors.${name}.secrets.${secret}`, connectionSecretName(name))
      if (value !== undefined) values[secret] = value
    }
    connectors[name] = values
  }
  const webhooks = []
  for (const [index, webhook] of file.webhooks.entries()) {
    const secretValue = await note(webhook.secret, `webhooks.${index}.secret`, `webhook ${webhook.url}`)
    webhooks.push(secretValue === undefined ? webhook : { ...webhook, secretValue })
  }
  return {
    baseUrl,
    ...(token !== undefined ? { token } : {}),
    ...(certificate?.certificate !== undefined && certificate.privateKey !== undefined
      ? { certificate: { certificate: certificate.certificate, privateKey: certificate.privateKey } }
      : {}),
    ...(apiKey !== undefined ? { apiKey } : {}),
    connectors,
    webhooks,
    stored,
  }
}

async function applyApiKey(trx: Transaction<Database>, tenantId: string, apiKey: string): Promise<void> {
  const hash = hashApiKey(apiKey)
  const existing = await trx.selectFrom('api_keys').select(['tenant_id']).where('hash', '=', hash).executeTakeFirst()
  if (existing && existing.tenant_id !== tenantId) {
    throw new PipelineError('CONFIGURATION', 'apiKey: this key belongs to another tenant')
  }
  if (existing) return
  // The file's key replaces the key the file gave before; keys issued by the CLI stay.
  await trx
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('name', '=', 'tenant-file')
    .where('revoked_at', 'is', null)
    .execute()
  await trx
    .insertInto('api_keys')
    .values({ id: apiKey.slice(0, 16), tenant_id: tenantId, hash, name: 'tenant-file' })
    .execute()
}

async function applyWebhooks(
  trx: Transaction<Database>,
  context: PipelineContext,
  tenantId: string,
  webhooks: Resolved['webhooks'],
): Promise<void> {
  for (const webhook of webhooks) {
    const found = await trx
      .selectFrom('webhook_subscriptions')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('url', '=', webhook.url)
      .where('disabled_at', 'is', null)
      .executeTakeFirst()
    const id = found?.id ?? randomUUID()
    if (found) {
      await trx
        .updateTable('webhook_subscriptions')
        .set({ events: [...new Set(webhook.events)], description: webhook.description ?? null })
        .where('id', '=', id)
        .execute()
    } else {
      await trx
        .insertInto('webhook_subscriptions')
        .values({
          id,
          tenant_id: tenantId,
          url: webhook.url,
          events: [...new Set(webhook.events)],
          description: webhook.description ?? null,
        })
        .execute()
    }
    if (webhook.secretValue !== undefined) {
      await putSecret(trx, context.keys, tenantId, signingSecretName(id), webhook.secretValue)
    }
  }
}

async function reconcileOne(
  context: PipelineContext,
  registry: ConnectorRegistry,
  file: TenantFile,
  env: Env,
): Promise<ReconcileReport> {
  const resolved = await resolveFile(file, env)
  const settings = tenantSettingsSchema.parse(
    Object.fromEntries(Object.entries(file.settings).filter(([, value]) => value !== undefined)),
  )
  return context.db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('tenants').selectAll().where('id', '=', file.id).forUpdate().executeTakeFirst()
    let action: ReconcileReport['action']
    if (current) {
      if (current.environment !== file.environment) {
        throw new PipelineError(
          'CONFIGURATION',
          `environment: tenant ${file.id} is bound to ${current.environment.toUpperCase()}; it cannot move to ${file.environment.toUpperCase()} (create a new tenant for that environment)`,
        )
      }
      if (current.nip !== file.nip) {
        throw new PipelineError('CONFIGURATION', `nip: tenant ${file.id} has NIP ${current.nip}; a NIP never changes`)
      }
      await updateTenant(trx, file.id, { name: file.name, ksefBaseUrl: resolved.baseUrl, settings })
      action = 'updated'
    } else {
      await createTenant(trx, {
        id: file.id,
        name: file.name,
        nip: file.nip,
        environment: file.environment,
        ksefBaseUrl: resolved.baseUrl,
        settings,
      })
      action = 'created'
    }
    const secrets: string[] = []
    if (resolved.token !== undefined) {
      await setKsefCredentials(trx, context.keys, file.id, { token: resolved.token })
      secrets.push('ksef-token')
    } else if (resolved.certificate) {
      await setKsefCredentials(trx, context.keys, file.id, resolved.certificate)
      secrets.push('ksef-certificate')
    }
    if (resolved.apiKey !== undefined) await applyApiKey(trx, file.id, resolved.apiKey)
    for (const [name, connection] of Object.entries(file.connectors)) {
      const values = resolved.connectors[name] ?? {}
      const given = Object.keys(values).length > 0
      // Secrets from references join those already stored (`{ stored: true }` ones, set with the CLI or API).
      const merged = given ? { ...(await connectionSecrets(trx, context.keys, file.id, name)), ...values } : undefined
      await saveConnection(
        trx,
        context.keys,
        registry,
        file.id,
        {
          name,
          connector: connection.connector ?? name,
          enabled: connection.enabled,
          importIncoming: connection.importIncoming,
          settings: connection.settings,
          ...(merged ? { secrets: merged } : {}),
        },
        'tenant-file',
      )
      if (given) secrets.push(connectionSecretName(name))
    }
    await applyWebhooks(trx, context, file.id, resolved.webhooks)
    const have = new Set(await secretNames(trx, file.id))
    const warnings = resolved.stored
      .filter((name) => !name.startsWith('webhook ') && !have.has(name))
      .map((name) => `secret ${name} is declared as stored but is not in the store yet (set it with the CLI)`)
    await appendAudit(trx, {
      tenantId: file.id,
      kind: 'tenant.reconciled',
      actor: 'tenant-file',
      details: { path: file.path, action, secrets },
    })
    return { id: file.id, path: file.path, action, secrets, warnings }
  })
}

/**
 * Brings the database in line with the tenant files.
 *
 * @param env where `{ "env": "VAR" }` references are looked up (usually `process.env`)
 * @param registry the connectors this hub runs: a connection's settings and secrets are checked against its own
 * @returns one report per file; a failed file has `action: 'failed'` and its `error`, and changes nothing
 * @example
 * ```ts
 * const reports = await reconcileTenants(context, await loadTenantFiles('tenants'), process.env, registry)
 * for (const report of reports) if (report.error) logger.error(report, 'tenant file not applied')
 * ```
 */
export async function reconcileTenants(
  context: PipelineContext,
  files: readonly TenantFile[],
  env: Env,
  registry: ConnectorRegistry,
): Promise<ReconcileReport[]> {
  const reports: ReconcileReport[] = []
  for (const file of files) {
    try {
      reports.push(await reconcileOne(context, registry, file, env))
    } catch (error) {
      const message = error instanceof PipelineError ? error.message : `unexpected: ${(error as Error).message}`
      reports.push({
        id: file.id,
        path: file.path,
        action: 'failed',
        secrets: [],
        warnings: [],
        error: `${file.path}: ${message}`,
      })
    }
  }
  return reports
}
