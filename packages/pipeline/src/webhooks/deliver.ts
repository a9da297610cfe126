/**
 * Delivering an event to a tenant's webhook subscriptions: the handler of QUEUES.webhook. pg-boss retries a
 * failed job with backoff; each run delivers only to the subscriptions that have not yet acknowledged the event,
 * so a retry never sends twice to an endpoint that already answered 2xx. Every attempt is in the delivery log.
 *
 * @module
 */
import { sql } from 'kysely'
import type { PipelineContext } from '../context.ts'
import { PipelineError } from '../errors.ts'
import { getSecret } from '../secrets/store.ts'
import { checkDestination, guardedFetch, isDestinationRefusal, REFUSED_PRIVATE_ADDRESS } from './destination.ts'
import { SIGNATURE_HEADER, signPayload } from './signing.ts'
import { signingSecretName } from './subscriptions.ts'

/** The job data of QUEUES.webhook (what emitEvents enqueues). */
export interface WebhookJob {
  readonly eventId: string
  readonly tenantId: string
}

/** Options of {@link deliverWebhook}. */
export interface DeliverOptions {
  /** The HTTP client (tests pass their own). */
  readonly fetch?: typeof fetch
  /** Time for one delivery (default 10 s). */
  readonly timeoutMs?: number
  /** Deliver to private addresses too (default `false`: see `destination.ts`). */
  readonly allowPrivateNetworks?: boolean
  /** Resolves a webhook's host to its addresses (tests pass their own). */
  readonly resolve?: (host: string) => Promise<readonly string[]>
}

/**
 * Some subscriptions did not acknowledge: the job fails so pg-boss retries it with backoff.
 *
 * @example
 * ```ts
 * if (error instanceof WebhookDeliveryError) logger.warn({ failed: error.failed }, error.message)
 * ```
 */
export class WebhookDeliveryError extends PipelineError {
  readonly failed: readonly string[]

  constructor(failed: readonly string[], eventId: string) {
    super(
      'WEBHOOK_DELIVERY_FAILED',
      `event ${eventId}: ${failed.length} webhook subscription(s) did not acknowledge; retrying with backoff`,
      { eventId, failed },
    )
    this.name = 'WebhookDeliveryError'
    this.failed = failed
  }
}

/** The body POSTed to a subscription. */
export interface WebhookPayload {
  readonly id: string
  readonly type: string
  readonly createdAt: string
  readonly tenantId: string
  readonly invoiceId: string | null
  readonly data: Record<string, unknown>
}

/** What one run did. */
export interface DeliveryRun {
  readonly delivered: readonly string[]
  readonly failed: readonly string[]
  /** Subscriptions that had acknowledged on an earlier run. */
  readonly skipped: number
}

/** What the tenant's delivery log says of a refused host; what it was refused for goes to the operator's log. */
function refusedFor(logger: PipelineContext['logger'], subscriptionId: string, error: PipelineError): string {
  logger.warn({ subscriptionId, host: error.details.host, address: error.details.address }, error.message)
  return REFUSED_PRIVATE_ADDRESS
}

async function post(
  doFetch: typeof fetch,
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  refused: (error: PipelineError) => string,
): Promise<{ status: number | null; error: string | null }> {
  try {
    const response = await doFetch(url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
    await response.body?.cancel().catch(() => {})
    const ok = response.status >= 200 && response.status < 300
    return { status: response.status, error: ok ? null : `HTTP ${response.status}` }
  } catch (error) {
    const { name, message, cause } = error as Error
    // The guard refused the address when connecting (DNS rebinding): the tenant learns no more than that.
    if (isDestinationRefusal(cause)) return { status: null, error: refused(cause) }
    // fetch reports a refused or failed connection as 'fetch failed'; the reason is its cause.
    const reason = cause instanceof Error ? `${message}: ${cause.message}` : message
    return { status: null, error: name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : reason }
  }
}

/**
 * Delivers one event to every subscription of its tenant that wants it and has not acknowledged it yet.
 *
 * @throws {@link WebhookDeliveryError} when a subscription failed (pg-boss retries the job)
 * @example
 * ```ts
 * await boss.work(QUEUES.webhook, async ([job]) => { await deliverWebhook(context, job.data) })
 * ```
 */
export async function deliverWebhook(
  context: PipelineContext,
  job: WebhookJob,
  options: DeliverOptions = {},
): Promise<DeliveryRun> {
  const event = await context.db
    .selectFrom('events')
    .selectAll()
    .where('id', '=', job.eventId)
    .where('tenant_id', '=', job.tenantId)
    .executeTakeFirst()
  if (!event) {
    context.logger.warn({ eventId: job.eventId, tenantId: job.tenantId }, 'webhook event not found; dropped')
    return { delivered: [], failed: [], skipped: 0 }
  }
  const subscriptions = await context.db
    .selectFrom('webhook_subscriptions')
    .select(['id', 'url'])
    .where('tenant_id', '=', event.tenant_id)
    .where('disabled_at', 'is', null)
    .where(sql<boolean>`${event.type} = any(events)`)
    .where('created_at', '<=', event.created_at)
    .execute()
  const acknowledged = new Set(
    (
      await context.db
        .selectFrom('webhook_deliveries')
        .select('subscription_id')
        .where('event_id', '=', event.id)
        .where('outcome', '=', 'succeeded')
        .execute()
    ).map((row) => row.subscription_id),
  )
  const payload: WebhookPayload = {
    id: event.id,
    type: event.type,
    createdAt: event.created_at.toISOString(),
    tenantId: event.tenant_id,
    invoiceId: event.invoice_id,
    data: event.data,
  }
  const body = JSON.stringify(payload)
  const doFetch = options.fetch ?? (options.allowPrivateNetworks ? fetch : guardedFetch(options))
  const delivered: string[] = []
  const failed: string[] = []
  const pending = subscriptions.filter((subscription) => !acknowledged.has(subscription.id))
  await Promise.all(
    pending.map(async (subscription) => {
      const secret = await getSecret(context.db, context.keys, event.tenant_id, signingSecretName(subscription.id))
      const previous = await context.db
        .selectFrom('webhook_deliveries')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('event_id', '=', event.id)
        .where('subscription_id', '=', subscription.id)
        .executeTakeFirstOrThrow()
      const started = performance.now()
      const timestamp = Math.floor(context.now().getTime() / 1000)
      const refuse = (error: PipelineError) => refusedFor(context.logger, subscription.id, error)
      const refused = await checkDestination(subscription.url, options).then(
        () => null,
        (error: unknown) =>
          isDestinationRefusal(error) ? refuse(error) : error instanceof Error ? error.message : String(error),
      )
      const result = refused
        ? { status: null, error: refused }
        : secret
          ? await post(
              doFetch,
              subscription.url,
              body,
              {
                'content-type': 'application/json',
                'user-agent': 'ksef-hub-webhooks/1',
                'ksef-hub-event-id': event.id,
                'ksef-hub-event-type': event.type,
                [SIGNATURE_HEADER]: signPayload(secret, body, timestamp),
              },
              options.timeoutMs ?? 10_000,
              refuse,
            )
          : { status: null, error: 'the subscription has no signing secret' }
      const outcome = result.error === null ? 'succeeded' : 'failed'
      await context.db
        .insertInto('webhook_deliveries')
        .values({
          tenant_id: event.tenant_id,
          event_id: event.id,
          subscription_id: subscription.id,
          attempt: Number(previous.count) + 1,
          outcome,
          response_status: result.status,
          error: result.error?.slice(0, 500) ?? null,
          duration_ms: Math.round(performance.now() - started),
        })
        // Two runs raced and both succeeded: the log keeps one success.
        .onConflict((conflict) =>
          conflict.columns(['event_id', 'subscription_id']).where('outcome', '=', 'succeeded').doNothing(),
        )
        .execute()
      ;(outcome === 'succeeded' ? delivered : failed).push(subscription.id)
    }),
  )
  if (failed.length > 0) throw new WebhookDeliveryError(failed, event.id)
  return { delivered, failed, skipped: subscriptions.length - pending.length }
}
