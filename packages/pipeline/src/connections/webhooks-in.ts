/**
 * Webhooks in: a source system calls the hub about a tenant's connections of one connector. The call is checked by
 * the connector with each such connection's secrets until one finds it authentic (connections of one app share its
 * key), remembered for the replay guard, and turned into pulls of the connections its events name (by account, for
 * an app's delivery that mixes them). Nothing leaves the tenant: events naming accounts of other tenants are ignored.
 *
 * @module
 */
import {
  type AnyConnector,
  type ReplayGuard,
  receiveWebhook,
  type WebhookAnswer,
  type WebhookRequest,
} from '@ksef-hub/connector-sdk'
import { appendAudit } from '../audit/audit.ts'
import type { PipelineContext } from '../context.ts'
import { PipelineError } from '../errors.ts'
import { getTenant } from '../tenants/tenants.ts'
import { connectionSecrets, toConnectionRecord } from './connections.ts'
import { requestPull } from './pull.ts'
import type { ConnectorRegistry } from './registry.ts'

/** How long a delivery id is remembered (sources retry for up to 36 hours). */
export const REPLAY_WINDOW_HOURS = 72

/** What the hub answers the source. */
export interface WebhookReply {
  readonly status: 200 | 202 | 204 | 401
  readonly body?: string | Record<string, unknown>
}

/**
 * Text PostgreSQL can store: an authentic delivery may still carry U+0000 or a lone surrogate in an id (text and
 * jsonb refuse both), which would turn it into a 500 the source retries for hours.
 */
const storable = (text: string): string => text.replaceAll('\u0000', '\uFFFD').toWellFormed()

function replayGuard(context: PipelineContext, connectionId: string): ReplayGuard {
  return {
    async firstSight(deliveryId) {
      const inserted = await context.db
        .insertInto('webhook_receipts')
        .values({ connection_id: connectionId, delivery_id: storable(deliveryId).slice(0, 500) })
        .onConflict((conflict) => conflict.columns(['connection_id', 'delivery_id']).doNothing())
        .returning('delivery_id')
        .executeTakeFirst()
      return inserted !== undefined
    },
  }
}

function accountOf(connector: AnyConnector, settings: Record<string, unknown>): string | undefined {
  if (!connector.account) return undefined
  const parsed = connector.settings.safeParse(settings)
  return parsed.success ? connector.account(parsed.data) : undefined
}

/**
 * Receives a webhook call for a tenant's connections of a connector.
 *
 * @throws {@link PipelineError} `NOT_FOUND` when the connector is not installed, does not take webhooks, or the
 *   tenant has no enabled connection of it (one answer for all three: nothing to probe)
 * @example
 * ```ts
 * const reply = await receiveConnectionWebhook(context, registry, { connector: 'xero', tenantId: 'acme', request })
 * ```
 */
export async function receiveConnectionWebhook(
  context: PipelineContext,
  registry: ConnectorRegistry,
  target: { readonly connector: string; readonly tenantId: string; readonly request: WebhookRequest },
): Promise<WebhookReply> {
  const connector = registry.get(target.connector)
  const rows = connector?.webhooks
    ? await context.db
        .selectFrom('connections')
        .selectAll()
        .where('tenant_id', '=', target.tenantId)
        .where('connector', '=', target.connector)
        .where('enabled', '=', true)
        .orderBy('name')
        .execute()
    : []
  if (!connector || rows.length === 0) {
    throw new PipelineError('NOT_FOUND', `no connector ${target.connector} receives webhooks here`)
  }
  const tenant = await getTenant(context.db, target.tenantId)
  const connections = rows.map(toConnectionRecord)
  let reasons: string[] = []
  for (const connection of connections) {
    const settings = connector.settings.safeParse(connection.settings)
    if (!settings.success) continue
    const reception = await receiveWebhook(
      connector,
      target.request,
      {
        tenant: { id: tenant.id, nip: tenant.nip, name: tenant.name },
        connection: { id: connection.id, name: connection.name },
        settings: settings.data,
        secrets: await connectionSecrets(context.db, context.keys, tenant.id, connection.name),
        logger: context.logger.child({ tenantId: tenant.id, connection: connection.name }),
        now: context.now,
      },
      replayGuard(context, connection.id),
    )
    if (reception.kind === 'handshake') return reception.answer
    if (reception.kind === 'refused') {
      reasons = [...reasons, `${connection.name}: ${reception.reason}`]
      continue
    }
    const pulled = new Set<string>()
    if (reception.kind === 'accepted') {
      for (const event of reception.parsed.events) {
        const targets = event.account
          ? connections.filter((candidate) => accountOf(connector, candidate.settings) === event.account)
          : [connection]
        for (const candidate of targets) pulled.add(candidate.id)
      }
      for (const connectionId of pulled) {
        await requestPull(context, { tenantId: tenant.id, connectionId, reason: 'webhook' })
      }
    }
    await appendAudit(context.db, {
      tenantId: tenant.id,
      kind: 'connection.webhook',
      actor: `connector:${connector.id}`,
      details: {
        connection: connection.name,
        outcome: reception.kind,
        deliveryId: reception.kind === 'accepted' ? storable(reception.parsed.deliveryId) : undefined,
        refs:
          reception.kind === 'accepted'
            ? reception.parsed.events
                .flatMap((event) => event.refs ?? [])
                .slice(0, 100)
                .map(storable)
            : [],
        pulls: pulled.size,
        bytes: target.request.rawBody.length,
      },
    })
    return reception.answer satisfies WebhookAnswer
  }
  context.logger.warn({ tenantId: tenant.id, connector: connector.id, reasons }, 'webhook refused')
  await appendAudit(context.db, {
    tenantId: tenant.id,
    kind: 'connection.webhook',
    actor: `connector:${connector.id}`,
    details: { outcome: 'refused', bytes: target.request.rawBody.length },
  })
  return { status: 401 }
}
