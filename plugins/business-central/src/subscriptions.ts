/**
 * BC's webhook subscriptions, kept alive by the pull: when the hub has a public URL for this connection's webhooks
 * (`context.webhookUrl`), each pull cycle makes sure every company and kind of document has a subscription that
 * notifies that URL, creating it when BC has none (BC deletes one whose notifications failed), and renewing it
 * (PATCH with If-Match; BC repeats the validation handshake) a day before its three days run out. Without a public
 * URL, or without `secrets.clientState`, the connection polls alone. A subscription that cannot be made does not
 * stop the pull: polling finds every document anyway, and the next cycle tries again.
 *
 * @module
 */
import { isConnectorError, safeEqual } from '@ksef-hub/connector-sdk'
import { type BcContext, bc, bcList, parseAnswer } from './bc-client.ts'
import { instantOf, type Stream, type SubscriptionState, streamKey } from './cursor.ts'
import { type SubscriptionRecord, subscriptionRecord } from './records.ts'
import { odataString } from './refs.ts'

/** Renew a subscription when less than this is left of it (BC gives three days). */
export const RENEW_WITHIN_MS = 24 * 3600_000

/**
 * The resource a stream's subscription names: the entity set's path from the API root, as BC's docs write it.
 *
 * @example
 * ```ts
 * subscriptionResource({ companyId: 'f64e…', kind: 'salesInvoices' }) // '/api/v2.0/companies(f64e…)/salesInvoices'
 * ```
 */
export function subscriptionResource(stream: Stream): string {
  return `/api/v2.0/companies(${stream.companyId})/${stream.kind}`
}

/** A resource without what BC may put before the company (a leading slash, `api/v2.0/`, a whole URL). */
function normalized(resource: string | null | undefined): string {
  const lower = (resource ?? '').toLowerCase()
  const at = lower.indexOf('companies(')
  return at < 0 ? lower : lower.slice(at)
}

function stateOf(record: SubscriptionRecord, notificationUrl: string, now: Date): SubscriptionState {
  // BC always answers the expiry; three days from now is its rule when it does not.
  const expiresAt = record.expirationDateTime ?? new Date(now.getTime() + 3 * 24 * 3600_000).toISOString()
  return { id: record.subscriptionId, expiresAt, notificationUrl: record.notificationUrl ?? notificationUrl }
}

async function create(context: BcContext, body: Record<string, string>): Promise<SubscriptionState> {
  // Not resent blindly after a lost answer: the next cycle finds the subscription by resource and URL.
  const response = await bc(context, { method: 'POST', url: '/subscriptions', json: body })
  const record = parseAnswer(subscriptionRecord, response.json(), 'POST /subscriptions')
  return stateOf(record, body.notificationUrl as string, context.now())
}

async function renew(
  context: BcContext,
  found: SubscriptionRecord,
  body: Record<string, string>,
): Promise<SubscriptionState> {
  const response = await bc(context, {
    method: 'PATCH',
    url: `/subscriptions(${odataString(found.subscriptionId)})`,
    headers: { 'if-match': found['@odata.etag'] ?? '*' },
    json: body,
    idempotent: true,
    accept: [404],
  })
  // Deleted by BC between the listing and the renewal: make it again.
  if (response.status === 404) return create(context, body)
  const record = response.bytes.length
    ? parseAnswer(subscriptionRecord, response.json(), 'PATCH /subscriptions')
    : { ...found, expirationDateTime: null }
  return stateOf(record, body.notificationUrl as string, context.now())
}

async function keepAlive(
  context: BcContext,
  stream: Stream,
  previous: SubscriptionState | undefined,
  existing: readonly SubscriptionRecord[],
  notificationUrl: string,
  clientState: string,
): Promise<SubscriptionState> {
  const resource = subscriptionResource(stream)
  const body = { notificationUrl, resource, clientState }
  const found =
    existing.find((record) => previous !== undefined && record.subscriptionId === previous.id) ??
    existing.find(
      (record) => normalized(record.resource) === normalized(resource) && record.notificationUrl === notificationUrl,
    )
  if (!found) return create(context, body)
  const left = instantOf(found.expirationDateTime ?? undefined) - context.now().getTime()
  // A rotated clientState: BC would go on echoing the old one, which the hub then refuses.
  const stale = typeof found.clientState === 'string' && !safeEqual(found.clientState, clientState)
  if (found.notificationUrl !== notificationUrl || stale || !(left > RENEW_WITHIN_MS))
    return renew(context, found, body)
  return stateOf(found, notificationUrl, context.now())
}

/** A failure the pull must not pass over: a revoked grant, BC's rate limit (the hub defers the pull). */
function stopsThePull(error: unknown): boolean {
  return isConnectorError(error) && (error.kind === 'auth' || error.kind === 'rate_limit')
}

/**
 * The subscriptions of `streams` after making sure each is alive (the cursor keeps them).
 *
 * @example
 * ```ts
 * cursor.subscriptions = await maintainSubscriptions(context, streams, cursor.subscriptions)
 * ```
 */
export async function maintainSubscriptions(
  context: BcContext,
  streams: readonly Stream[],
  current: Readonly<Record<string, SubscriptionState>>,
): Promise<Record<string, SubscriptionState>> {
  const notificationUrl = context.webhookUrl
  // No public address: polling alone (subscriptions made before expire on their own within three days).
  if (!notificationUrl) return {}
  const { clientState } = await context.credentials.current()
  if (!clientState) {
    context.logger.warn(
      { connection: context.connection.name },
      'secrets.clientState is not set: no Business Central webhooks, the connection polls alone',
    )
    return {}
  }
  let existing: SubscriptionRecord[]
  try {
    existing = await bcList(context, '/subscriptions', subscriptionRecord)
  } catch (error) {
    if (stopsThePull(error)) throw error
    context.logger.warn({ error: (error as Error).message }, 'could not list Business Central subscriptions')
    return { ...current }
  }
  const kept: Record<string, SubscriptionState> = {}
  for (const stream of streams) {
    const key = streamKey(stream)
    try {
      kept[key] = await keepAlive(context, stream, current[key], existing, notificationUrl, clientState)
    } catch (error) {
      if (stopsThePull(error)) throw error
      context.logger.warn(
        { resource: subscriptionResource(stream), error: (error as Error).message },
        'could not subscribe to Business Central webhooks: polling goes on, the next pull tries again',
      )
      const previous = current[key]
      if (previous) kept[key] = previous
    }
  }
  return kept
}
