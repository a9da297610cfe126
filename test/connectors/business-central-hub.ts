/**
 * The hub side of the Business Central end-to-end run: PostgreSQL, the KSeF simulator, the gateway in this process
 * (BC's handshakes and notifications arrive at its route; the API a person uses), two tenants with their
 * connection and API key, the worker process's environment; and what the run waits on.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { randomNip } from '@ksef-hub/fa3/testing'
import { type RunningGateway, startGateway } from '@ksef-hub/gateway'
import { type RunningSimulator, startSimulator } from '@ksef-hub/ksef-simulator'
import {
  connectorRegistry,
  createTenant,
  generateMasterKey,
  issueApiKey,
  masterKeyRing,
  type PipelineContext,
  putSecret,
  saveConnection,
  silentLogger,
  startBoss,
} from '@ksef-hub/pipeline'
import { openTestDatabase, type TestDatabase } from '@ksef-hub/pipeline/testing'
import type { WorkerProcess } from '../chaos/worker-process.ts'
import { issueToken } from '../ksef-client/simulator.ts'
import { type BcDocument, type BcTenant, bcSettings, businessCentral, seededTenant } from './business-central.ts'

/** The hub of the run and its views. */
export interface BcHub {
  readonly context: PipelineContext
  readonly sim: RunningSimulator
  readonly gateway: RunningGateway
  /** Hears of changes through BC's webhooks; pulls on its own hourly. */
  readonly hook: BcTenant
  /** No clientState: polls alone, every minute. */
  readonly poll: BcTenant
  readonly clientState: string
  /** The worker process's environment. */
  readonly env: Record<string, string>
  worker: WorkerProcess | undefined
  connectionId(tenant: BcTenant): string
  /** A call of the hub's API with the tenant's key. */
  api(tenant: BcTenant, path: string, init?: RequestInit): Promise<Response>
  /** Where things stand, for a failure's message. */
  progress(): Promise<string>
  close(): Promise<void>
}

/**
 * Starts the hub of the run: both tenants, their fakes seeded, their connections saved.
 *
 * @example
 * ```ts
 * const hub = await startBcHub()
 * hub.worker = spawnWorker(hub.env)
 * ```
 */
export async function startBcHub(): Promise<BcHub> {
  const database: TestDatabase = await openTestDatabase('postgres')
  const boss = await startBoss(database, { supervise: false, schedule: false })
  const masterKey = generateMasterKey()
  const context: PipelineContext = {
    db: database.db,
    boss,
    keys: masterKeyRing(masterKey),
    now: () => new Date(),
    logger: silentLogger,
  }
  const registry = connectorRegistry([businessCentral])
  const sim = await startSimulator({ port: 0, processingDelayMs: 20, log: () => {} })
  const gateway = await startGateway({ context, connectors: registry, port: 0, options: { accessLog: false } })
  const nips = new Set<string>()
  while (nips.size < 2) nips.add(randomNip())
  const [hookNip, pollNip] = [...nips] as [string, string]
  // BC gathers changes for 30 s before it notifies; 2 s here keeps the run short.
  const hook = await seededTenant('bc-hook', hookNip, {
    notifications: { delayMs: 2_000, retryDelaysMs: [2_000, 5_000] },
  })
  const poll = await seededTenant('bc-poll', pollNip)
  const clientState = randomBytes(32).toString('hex')
  const connectionIds = new Map<string, string>()
  const apiKeys = new Map<string, string>()
  for (const tenant of [hook, poll]) {
    const webhooks = tenant === hook
    await createTenant(context.db, {
      id: tenant.id,
      name: tenant.id,
      nip: tenant.nip,
      environment: 'test',
      ksefBaseUrl: sim.url,
    })
    await putSecret(context.db, context.keys, tenant.id, 'ksef-token', await issueToken(sim, tenant.nip))
    const { clientId, clientSecret } = tenant.bc.credentials
    const saved = await saveConnection(context.db, context.keys, registry, tenant.id, {
      name: 'bc',
      connector: 'business-central',
      importIncoming: webhooks,
      // Hourly on its own: only a notification explains a document of the webhook tenant arriving sooner.
      settings: bcSettings(tenant, webhooks ? 60 : 1),
      // Without a clientState the connection takes no webhooks: it never subscribes, and polls alone.
      secrets: webhooks ? { clientId, clientSecret, clientState } : { clientId, clientSecret },
    })
    connectionIds.set(tenant.id, saved.id)
    apiKeys.set(tenant.id, (await issueApiKey(context.db, tenant.id)).apiKey)
  }
  const hub: BcHub = {
    context,
    sim,
    gateway,
    hook,
    poll,
    clientState,
    env: {
      DATABASE_URL: database.url as string,
      KSEF_HUB_MASTER_KEY: masterKey,
      KSEF_HUB_PUBLIC_URL: gateway.url,
      KSEF_HUB_CONNECTOR_TIMEOUT_MS: '2000',
      // Retries of a source's work wait at most 15 s: the outage is outlasted within the retry limits.
      KSEF_HUB_CONNECTOR_RETRY_MAX_SECONDS: '15',
    },
    worker: undefined,
    connectionId: (tenant) => connectionIds.get(tenant.id) as string,
    api: (tenant, path, init = {}) =>
      fetch(`${gateway.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${apiKeys.get(tenant.id)}`, 'content-type': 'application/json' },
      }),
    async progress() {
      const lines: string[] = []
      for (const tenant of [hook, poll]) {
        const invoices = await context.db
          .selectFrom('invoices')
          .select(['state', 'writeback_state', (eb) => eb.fn.countAll<string>().as('count')])
          .where('tenant_id', '=', tenant.id)
          .groupBy(['state', 'writeback_state'])
          .execute()
        const documents = await context.db
          .selectFrom('source_documents')
          .select(['state', (eb) => eb.fn.countAll<string>().as('count')])
          .where('tenant_id', '=', tenant.id)
          .groupBy('state')
          .execute()
        const imports = await context.db
          .selectFrom('incoming_imports')
          .select(['state', (eb) => eb.fn.countAll<string>().as('count')])
          .where('tenant_id', '=', tenant.id)
          .groupBy('state')
          .execute()
        const { settings: _settings, cursor: _cursor, ...connection } = await connectionOf(hub, tenant)
        lines.push(`${tenant.id}: ${JSON.stringify({ invoices, documents, imports, connection })}`)
      }
      return `${lines.join('\n')}\n${hub.worker?.tail()}`
    },
    async close() {
      hub.worker?.child.kill('SIGKILL')
      await gateway.close()
      await boss.stop({ graceful: false })
      await database.destroy()
      await sim.close()
      for (const tenant of [hook, poll]) await tenant.bc.close()
    },
  }
  return hub
}

/** The tenant's connection as the hub holds it. */
export const connectionOf = (hub: BcHub, tenant: BcTenant) =>
  hub.context.db
    .selectFrom('connections')
    .selectAll()
    .where('id', '=', hub.connectionId(tenant))
    .executeTakeFirstOrThrow()

/** Whether each document is an invoice confirmed by KSeF and written back. */
export async function confirmedAndAttached(hub: BcHub, tenant: BcTenant, documents: readonly BcDocument[]) {
  const rows = await hub.context.db
    .selectFrom('invoices')
    .select(['source_ref'])
    .where('tenant_id', '=', tenant.id)
    .where('state', '=', 'confirmed')
    .where('writeback_state', '=', 'done')
    .execute()
  const done = new Set(rows.map((row) => row.source_ref))
  return documents.every((document) => done.has(document.ref))
}

/** The webhook calls the gateway took for a tenant, and the documents the accepted ones named. */
export async function webhooksHeard(hub: BcHub, tenant: BcTenant) {
  const rows = await hub.context.db
    .selectFrom('audit_log')
    .select('details')
    .where('tenant_id', '=', tenant.id)
    .where('kind', '=', 'connection.webhook')
    .execute()
  const accepted = rows.filter((row) => row.details.outcome === 'accepted')
  return { calls: rows.length, refs: new Set(accepted.flatMap((row) => row.details.refs as string[])) }
}
