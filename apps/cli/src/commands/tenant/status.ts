/**
 * `ksef-hub tenant status | schema | apply`: a tenant at a glance, the tenant-file schema, reconciling the files.
 *
 * @module
 */
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import {
  getTenant,
  invoiceCounts,
  ksefCredentialsKind,
  listApiKeys,
  listConnections,
  listSubscriptions,
  loadConfig,
  loadTenantFiles,
  reconcileTenants,
  rotateSecrets,
  silentLogger,
  startBoss,
  tenantFileJsonSchema,
} from '@ksef-hub/pipeline'
import { type Command, EXIT } from '../../command.ts'
import { println } from '../../io.ts'
import { registryOf } from '../connector/hub.ts'
import { output, usageError, withHub } from './hub.ts'

const STATUS_USAGE = 'tenant status ID [--json]'

/** `tenant status` */
export const statusCommand: Command = {
  summary: 'show a tenant: environment, credentials kind, keys, connections, invoices by status',
  usage: STATUS_USAGE,
  async run(args, io) {
    let parsed: ReturnType<typeof parseArgs<{ options: { json: { type: 'boolean' } }; allowPositionals: true }>>
    try {
      parsed = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true })
    } catch (error) {
      return usageError(io, 'tenant status', (error as Error).message, STATUS_USAGE)
    }
    const [id] = parsed.positionals
    if (!id) return usageError(io, 'tenant status', 'give the tenant id', STATUS_USAGE)
    return withHub(io, 'tenant status', async ({ database }) => {
      const db = database.db
      const tenant = await getTenant(db, id)
      const { invoices, states } = await invoiceCounts(db, id)
      const keys = (await listApiKeys(db, id)).filter((key) => !key.revokedAt || key.revokedAt > new Date())
      const status = {
        id: tenant.id,
        name: tenant.name,
        nip: tenant.nip,
        environment: tenant.environment,
        ksefBaseUrl: tenant.ksefBaseUrl,
        disabled: tenant.disabled,
        settings: tenant.settings,
        credentials: await ksefCredentialsKind(db, id),
        apiKeys: keys.map((key) => key.id),
        connectors: (await listConnections(db, id)).map((connection) => ({
          name: connection.name,
          connector: connection.connector,
          enabled: connection.enabled,
          status: connection.status,
        })),
        webhooks: (await listSubscriptions(db, id)).filter((hook) => hook.enabled).length,
        invoices,
        states,
      }
      output(io, parsed.values.json, status, [
        `${tenant.id}  ${tenant.name}  NIP ${tenant.nip}  ${tenant.environment.toUpperCase()}${tenant.ksefBaseUrl ? ` at ${tenant.ksefBaseUrl}` : ''}`,
        `credentials: ${status.credentials}   API keys: ${status.apiKeys.join(', ') || 'none'}`,
        `connections: ${status.connectors.map((c) => `${c.name}${c.name === c.connector ? '' : ` (${c.connector})`}${c.enabled ? '' : ' disabled'}${c.status === 'needs_reauth' ? ' NEEDS RE-AUTHORIZATION' : ''}`).join(', ') || 'none'}   webhooks: ${status.webhooks}`,
        `invoices: ${Object.entries(invoices)
          .map(([word, count]) => `${word} ${count}`)
          .join(', ')}`,
      ])
      return EXIT.ok
    })
  },
}

/** `tenant schema` */
export const schemaCommand: Command = {
  summary: 'print the JSON Schema of tenant files',
  usage: 'tenant schema > tenants/tenant.schema.json',
  async run(_args, io) {
    println(io.stdout, JSON.stringify(tenantFileJsonSchema([...(await registryOf(io)).values()]), null, 2))
    return EXIT.ok
  },
}

const APPLY_USAGE = 'tenant apply [--dir DIR] [--json]   (DIR: KSEF_HUB_TENANTS_DIR, default tenants)'

/** `tenant apply` */
export const applyCommand: Command = {
  summary: 'reconcile the tenant files with the database (as the hub does at start)',
  usage: APPLY_USAGE,
  async run(args, io) {
    let values: { dir?: string; json?: boolean }
    try {
      values = parseArgs({ args, options: { dir: { type: 'string' }, json: { type: 'boolean' } } }).values
    } catch (error) {
      return usageError(io, 'tenant apply', (error as Error).message, APPLY_USAGE)
    }
    const dir = resolve(io.cwd, values.dir ?? loadConfig(io.env).KSEF_HUB_TENANTS_DIR)
    const registry = await registryOf(io)
    return withHub(io, 'tenant apply', async ({ database, keys }) => {
      const files = await loadTenantFiles(dir)
      const boss = await startBoss(database, { supervise: false, schedule: false })
      try {
        const context = { db: database.db, boss, keys, now: () => new Date(), logger: silentLogger }
        const reports = await reconcileTenants(context, files, io.env, registry)
        output(
          io,
          values.json,
          reports,
          reports.map((report) =>
            report.error
              ? `${report.id}\tfailed\t${report.error}`
              : `${report.id}\t${report.action}${report.warnings.length ? `\t${report.warnings.join('; ')}` : ''}`,
          ),
        )
        return reports.some((report) => report.error) ? EXIT.failed : EXIT.ok
      } finally {
        await boss.stop({ graceful: false, close: database.kind !== 'pglite' })
      }
    })
  },
}

/** `tenant rewrap-secrets` */
export const rewrapSecretsCommand: Command = {
  summary: 're-encrypt every tenant secret under the current master key (after a master-key rotation)',
  usage: [
    'tenant rewrap-secrets [--json]',
    '  set the new KSEF_HUB_MASTER_KEY, put the old one in KSEF_HUB_OLD_MASTER_KEYS, run this, then drop the old key',
  ].join('\n'),
  async run(args, io) {
    let values: { json?: boolean }
    try {
      values = parseArgs({ args, options: { json: { type: 'boolean' } } }).values
    } catch (error) {
      return usageError(io, 'tenant rewrap-secrets', (error as Error).message, this.usage)
    }
    return withHub(io, 'tenant rewrap-secrets', async ({ database, keys }) => {
      const rewrapped = await rotateSecrets(database.db, keys)
      output(io, values.json, { rewrapped, masterKeyId: keys.current.id }, [
        `${rewrapped} secret(s) re-wrapped under master key ${keys.current.id}`,
      ])
      return EXIT.ok
    })
  },
}
