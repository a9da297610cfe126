/**
 * Tenants' webhook subscriptions: where to deliver which events. Each has its own signing secret, stored
 * encrypted in the tenant's secrets (`webhook:<id>`) and shown once, when the subscription is created.
 *
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import { appendAudit } from '../audit/audit.ts'
import type { Database } from '../db/schema.ts'
import { PipelineError } from '../errors.ts'
import { EVENT_TYPES, type EventType } from '../events/events.ts'
import type { MasterKeyRing } from '../secrets/master-key.ts'
import { putSecret } from '../secrets/store.ts'
import { generateSigningSecret } from './signing.ts'

type Db = Kysely<Database> | Transaction<Database>

/** A subscription as the API shows it (never its secret). */
export interface WebhookSubscription {
  readonly id: string
  readonly url: string
  readonly events: EventType[]
  readonly description: string | null
  readonly createdAt: Date
  readonly enabled: boolean
}

/** The name of a subscription's signing secret in the tenant's secrets. */
export const signingSecretName = (subscriptionId: string): string => `webhook:${subscriptionId}`

function checkUrl(url: string): void {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new PipelineError('CONFIGURATION', `webhook url "${url}" is not a URL`)
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new PipelineError('CONFIGURATION', `webhook url must be http(s), not ${parsed.protocol}`)
  }
  if (parsed.username || parsed.password) {
    throw new PipelineError('CONFIGURATION', 'webhook url must not carry credentials; the signature authenticates')
  }
}

function toView(row: {
  id: string
  url: string
  events: string[]
  description: string | null
  created_at: Date
  disabled_at: Date | null
}): WebhookSubscription {
  return {
    id: row.id,
    url: row.url,
    events: row.events as EventType[],
    description: row.description,
    createdAt: row.created_at,
    enabled: row.disabled_at === null,
  }
}

/**
 * Subscribes a tenant to events.
 *
 * @returns the subscription and its signing secret (the only time it is shown)
 * @example
 * ```ts
 * const { subscription, secret } = await createSubscription(db, ring, 'acme', { url, events: ['invoice.confirmed'] })
 * ```
 */
export async function createSubscription(
  db: Kysely<Database>,
  ring: MasterKeyRing,
  tenantId: string,
  input: { url: string; events: readonly EventType[]; description?: string; secret?: string },
): Promise<{ subscription: WebhookSubscription; secret: string }> {
  checkUrl(input.url)
  const unknown = input.events.filter((event) => !EVENT_TYPES.includes(event))
  if (input.events.length === 0 || unknown.length > 0) {
    throw new PipelineError('CONFIGURATION', `events must be some of ${EVENT_TYPES.join(', ')}`)
  }
  const secret = input.secret ?? generateSigningSecret()
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('webhook_subscriptions')
      .values({
        id: randomUUID(),
        tenant_id: tenantId,
        url: input.url,
        events: [...new Set(input.events)],
        description: input.description ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await putSecret(trx, ring, tenantId, signingSecretName(row.id), secret)
    await appendAudit(trx, {
      tenantId,
      kind: 'webhook.subscribed',
      actor: `api:${tenantId}`,
      details: { subscriptionId: row.id, url: input.url, events: input.events },
    })
    return { subscription: toView(row), secret }
  })
}

/**
 * A tenant's subscriptions.
 *
 * @example
 * ```ts
 * const subscriptions = await listSubscriptions(db, 'acme')
 * ```
 */
export async function listSubscriptions(db: Db, tenantId: string): Promise<WebhookSubscription[]> {
  const rows = await db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at')
    .execute()
  return rows.map(toView)
}

/**
 * Ends a subscription (its delivery log stays).
 *
 * @throws {@link PipelineError} `NOT_FOUND` when it is not the tenant's
 * @example
 * ```ts
 * await deleteSubscription(db, 'acme', id)
 * ```
 */
export async function deleteSubscription(db: Kysely<Database>, tenantId: string, id: string): Promise<void> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
  const result = uuid.test(id)
    ? await db
        .updateTable('webhook_subscriptions')
        .set({ disabled_at: new Date() })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('disabled_at', 'is', null)
        .executeTakeFirst()
    : { numUpdatedRows: 0n }
  if (Number(result.numUpdatedRows) === 0)
    throw new PipelineError('NOT_FOUND', `webhook subscription ${id} does not exist`)
  await db.deleteFrom('secrets').where('tenant_id', '=', tenantId).where('name', '=', signingSecretName(id)).execute()
}

/** One row of the delivery log. */
export interface DeliveryLogEntry {
  readonly id: string
  readonly eventId: string
  readonly eventType: string
  readonly subscriptionId: string
  readonly attempt: number
  readonly outcome: 'succeeded' | 'failed'
  readonly responseStatus: number | null
  readonly error: string | null
  readonly durationMs: number
  readonly at: Date
}

/**
 * The latest delivery attempts of a tenant, newest first.
 *
 * @example
 * ```ts
 * const log = await deliveryLog(db, 'acme', { limit: 50 })
 * ```
 */
export async function deliveryLog(
  db: Db,
  tenantId: string,
  query: { eventId?: string; subscriptionId?: string; limit?: number } = {},
): Promise<DeliveryLogEntry[]> {
  let select = db
    .selectFrom('webhook_deliveries')
    .innerJoin('events', 'events.id', 'webhook_deliveries.event_id')
    .select([
      'webhook_deliveries.id',
      'webhook_deliveries.event_id',
      'events.type',
      'webhook_deliveries.subscription_id',
      'webhook_deliveries.attempt',
      'webhook_deliveries.outcome',
      'webhook_deliveries.response_status',
      'webhook_deliveries.error',
      'webhook_deliveries.duration_ms',
      'webhook_deliveries.at',
    ])
    .where('webhook_deliveries.tenant_id', '=', tenantId)
  if (query.eventId) select = select.where('webhook_deliveries.event_id', '=', query.eventId)
  if (query.subscriptionId) select = select.where('webhook_deliveries.subscription_id', '=', query.subscriptionId)
  const rows = await select
    .orderBy('webhook_deliveries.id', 'desc')
    .limit(Math.min(Math.max(query.limit ?? 50, 1), 500))
    .execute()
  return rows.map((row) => ({
    id: String(row.id),
    eventId: row.event_id,
    eventType: row.type,
    subscriptionId: row.subscription_id,
    attempt: row.attempt,
    outcome: row.outcome,
    responseStatus: row.response_status,
    error: row.error,
    durationMs: row.duration_ms,
    at: row.at,
  }))
}
