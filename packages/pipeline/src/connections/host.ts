/**
 * Hosting a connector for one piece of a connection's work: its context (settings, credentials in the encrypted
 * store, the connection's limiter, a redacted logger, the job's abort signal) and the narrow read of the hub's
 * records it may make: what the hub did with documents of its own connection.
 *
 * @module
 */
import {
  type AnyConnector,
  type ConnectorContext,
  createConnectorContext,
  createLimiter,
  type HubLookup,
  type Limiter,
  type SentInvoice,
} from '@ksef-hub/connector-sdk'
import type { PipelineContext } from '../context.ts'
import { getTenant } from '../tenants/tenants.ts'
import type { ConnectionRecord } from './connections.ts'
import { connectionCredentialStore } from './credential-store.ts'
import type { ConnectorRegistry } from './registry.ts'

/** What hosting needs besides the pipeline context. */
export interface HostOptions {
  readonly registry: ConnectorRegistry
  /** Time for one HTTP exchange with a source system (default 30 s). */
  readonly timeoutMs?: number
  /** The hub's public address (`https://hub.example.com`), from which a connection's webhook URL is made. */
  readonly publicUrl?: string
}

/**
 * Where a connection's webhooks arrive: the gateway's route for its connector and tenant under the hub's public
 * address (the one place that spells that URL for a connector; the gateway's route is its other end).
 *
 * @example
 * ```ts
 * connectionWebhookUrl('https://hub.example.com', 'business-central', 'acme')
 * // 'https://hub.example.com/v1/connectors/business-central/acme/webhook'
 * ```
 */
export function connectionWebhookUrl(publicUrl: string, connectorId: string, tenantId: string): string {
  const base = publicUrl.replace(/\/+$/, '')
  return `${base}/v1/connectors/${encodeURIComponent(connectorId)}/${encodeURIComponent(tenantId)}/webhook`
}

// One limiter per connection in this process, so every job of a connection shares the system's limits.
const limiters = new Map<string, { readonly key: string; readonly limiter: Limiter }>()

function limiterOf(connector: AnyConnector, connection: ConnectionRecord): Limiter {
  const parsed = connector.settings.safeParse(connection.settings)
  const limits = parsed.success && connector.limits ? connector.limits(parsed.data) : {}
  const key = JSON.stringify(limits)
  const known = limiters.get(connection.id)
  if (known?.key === key) return known.limiter
  const limiter = createLimiter(limits)
  limiters.set(connection.id, { key, limiter })
  return limiter
}

function stateOf(state: string): SentInvoice['state'] {
  if (state === 'confirmed') return 'confirmed'
  return state === 'rejected' ? 'rejected' : 'pending'
}

/**
 * The lookup of what the hub made of this connection's documents.
 *
 * @example
 * ```ts
 * const original = await hubLookup(context, connection).invoiceOf('INV-42')
 * ```
 */
export function hubLookup(context: PipelineContext, connection: ConnectionRecord): HubLookup {
  return {
    async invoiceOf(ref) {
      const row = await context.db
        .selectFrom('invoices')
        .select(['id', 'invoice_number', 'issue_date', 'state', 'ksef_number'])
        .where('tenant_id', '=', connection.tenantId)
        .where('source', '=', connection.name)
        .where('source_ref', '=', ref)
        .executeTakeFirst()
      if (!row) return undefined
      return {
        invoiceId: row.id,
        number: row.invoice_number,
        issueDate:
          typeof row.issue_date === 'string' ? row.issue_date : new Date(row.issue_date).toISOString().slice(0, 10),
        state: stateOf(row.state),
        ksefNumber: row.ksef_number,
      }
    },
  }
}

/**
 * The context a connector works in for one job of a connection.
 *
 * @throws a `ConnectorError('validation')` when the stored settings no longer fit the connector
 * @example
 * ```ts
 * const { connector, context: work } = await hostConnection(context, options, connection, job.signal)
 * const page = await connector.pull?.page(work, cursor)
 * ```
 */
export async function hostConnection(
  context: PipelineContext,
  options: HostOptions,
  connector: AnyConnector,
  connection: ConnectionRecord,
  signal: AbortSignal,
): Promise<ConnectorContext<unknown, unknown>> {
  const tenant = await getTenant(context.db, connection.tenantId)
  return createConnectorContext(connector, {
    tenant: { id: tenant.id, nip: tenant.nip, name: tenant.name },
    connection: { id: connection.id, name: connection.name },
    settings: connection.settings,
    store: connectionCredentialStore(context, connection),
    logger: context.logger.child({ tenantId: tenant.id, connection: connection.name, connector: connector.id }),
    signal,
    now: context.now,
    hub: hubLookup(context, connection),
    limiter: limiterOf(connector, connection),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.publicUrl ? { webhookUrl: connectionWebhookUrl(options.publicUrl, connector.id, tenant.id) } : {}),
  })
}
