/**
 * Webhook deliveries of the app [R (e)] [N §4] [V]: changes of subscribed objects (by default invoices' creation
 * and changes of their status, comments, dates and amounts) become events carrying the portal and the app, POSTed
 * to the app's one target URL in batches of up to 100, each POST signed with v3 over its exact bytes. A POST that
 * fails (no connection, no answer within the timeout, a 5xx, a 429, any status but 400/401/403/404/405) is tried
 * again with backoff on the fake's clock, up to 10 times, its events' `attemptNumber` counting up. Tests drive it:
 * automatic (timers) or not, and `flush` sends what is due now.
 *
 * @module
 */
import type { FakeClock } from '@ksef-hub/connector-sdk/testing'
import { OBJECT_TYPES, type ObjectType, WEBHOOKS } from './facts.ts'
import { signedHeaders } from './signature.ts'
import type { Change, Store } from './store.ts'

/** A subscription of the app [I `SubscriptionResponse`]. */
export interface Subscription {
  readonly id: number
  readonly eventType: 'object.creation' | 'object.propertyChange'
  readonly objectTypeId: string
  readonly propertyName?: string
  active: boolean
}

/** One event of a delivery [V]. */
export interface WebhookEvent {
  readonly eventId: number
  readonly subscriptionId: number
  readonly portalId: number
  readonly appId: number
  readonly occurredAt: number
  readonly subscriptionType: string
  attemptNumber: number
  readonly objectId: number
  readonly objectTypeId: string
  readonly propertyName?: string
  readonly propertyValue?: string
  readonly changeSource: string
  readonly sourceId: string
}

/** One POST the fake made. */
export interface Delivery {
  readonly url: string
  readonly body: string
  readonly headers: Readonly<Record<string, string>>
  readonly events: readonly WebhookEvent[]
  /** The answer's status, or `null` when there was none (no connection, timeout). */
  readonly status: number | null
  readonly error?: string
  /** The fake's clock when it was sent. */
  readonly at: number
}

/** How deliveries behave (defaults in `facts.ts`). */
export interface WebhookOptions {
  readonly targetUrl?: string
  /** Send on timers (default true); off, only `flush` sends. */
  readonly automatic?: boolean
  /** Real-time wait between a change and its automatic delivery (default 50 ms). */
  readonly delayMs?: number
  readonly batchSize?: number
  readonly timeoutMs?: number
  readonly maxRetries?: number
  readonly firstRetryMs?: number
  /** Subscriptions (default: invoices' creation and a few property changes). */
  readonly subscriptions?: readonly Omit<Subscription, 'id' | 'active'>[]
}

// The options as the deliveries use them (`automatic` changes at the test's request).
interface DeliveryOptions {
  automatic: boolean
  readonly delayMs: number
  readonly batchSize: number
  readonly timeoutMs: number
  readonly maxRetries: number
  readonly firstRetryMs: number
}

const INVOICE = OBJECT_TYPES.invoices.id
/** The properties of invoices subscribed by default (the app's settings; VERIFY which a real app picks). */
export const DEFAULT_SUBSCRIPTIONS: readonly Omit<Subscription, 'id' | 'active'>[] = [
  { eventType: 'object.creation', objectTypeId: INVOICE },
  ...['hs_invoice_status', 'hs_comments', 'hs_invoice_date', 'hs_due_date', 'hs_currency', 'hs_amount_billed'].map(
    (propertyName) => ({ eventType: 'object.propertyChange' as const, objectTypeId: INVOICE, propertyName }),
  ),
]

interface Batch {
  events: WebhookEvent[]
  dueAt: number
  attempts: number
}

/**
 * The app's webhook deliveries.
 *
 * @example
 * ```ts
 * const webhooks = new Webhooks(store, clock, identity, { targetUrl: 'http://127.0.0.1:4000/hooks', automatic: false })
 * await webhooks.flush()
 * ```
 */
export class Webhooks {
  readonly #clock: FakeClock
  readonly #identity: { readonly portalId: number; readonly appId: number; readonly clientSecret: string }
  readonly #options: DeliveryOptions
  readonly #subscriptions: Subscription[]
  readonly #queue: Batch[] = []
  readonly #log: Delivery[] = []
  readonly #store: Store
  #target: string | undefined
  #eventIds = 1_849_261_044
  #timer: NodeJS.Timeout | undefined
  #sending: Promise<Delivery[]> | undefined

  constructor(
    store: Store,
    clock: FakeClock,
    identity: { readonly portalId: number; readonly appId: number; readonly clientSecret: string },
    options: WebhookOptions = {},
  ) {
    this.#store = store
    this.#clock = clock
    this.#identity = identity
    this.#target = options.targetUrl
    this.#options = {
      automatic: options.automatic ?? true,
      delayMs: options.delayMs ?? 50,
      batchSize: options.batchSize ?? WEBHOOKS.batchSize,
      timeoutMs: options.timeoutMs ?? WEBHOOKS.timeoutMs,
      maxRetries: options.maxRetries ?? WEBHOOKS.maxRetries,
      firstRetryMs: options.firstRetryMs ?? WEBHOOKS.firstRetryMs,
    }
    this.#subscriptions = (options.subscriptions ?? DEFAULT_SUBSCRIPTIONS).map((subscription, index) => ({
      ...subscription,
      id: 3_015_442 + index,
      active: true,
    }))
    store.onChange((change) => this.record(change))
  }

  get subscriptions(): readonly Subscription[] {
    return this.#subscriptions
  }

  get targetUrl(): string | undefined {
    return this.#target
  }

  setTarget(url: string | undefined): void {
    this.#target = url
  }

  setAutomatic(on: boolean): void {
    this.#options.automatic = on
    if (on) this.#schedule(this.#options.delayMs)
    else this.#stop()
  }

  deliveries(): readonly Delivery[] {
    return [...this.#log]
  }

  /** Events waiting (new, or failed and due for a retry later). */
  pending(): readonly WebhookEvent[] {
    return this.#queue.flatMap((batch) => batch.events)
  }

  /** Turns a change into events for each active subscription it matches. */
  record(change: Change): void {
    const objectTypeId = OBJECT_TYPES[change.type as ObjectType].id
    const record = this.#store.get(change.type, change.id)
    const events: WebhookEvent[] = []
    for (const subscription of this.#subscriptions) {
      if (!subscription.active || subscription.objectTypeId !== objectTypeId) continue
      const base = {
        subscriptionId: subscription.id,
        portalId: this.#identity.portalId,
        appId: this.#identity.appId,
        occurredAt: change.at,
        subscriptionType: subscription.eventType,
        attemptNumber: 0,
        objectId: Number(change.id),
        objectTypeId,
        changeSource: change.source === 'UI' ? WEBHOOKS.changeSourceUi : WEBHOOKS.changeSourceApi,
        sourceId: change.source === 'UI' ? 'userId:78123' : String(this.#identity.appId),
      }
      if (subscription.eventType === 'object.creation' && change.kind === 'creation') {
        events.push({ ...base, eventId: this.#eventIds++ })
      } else if (subscription.eventType === 'object.propertyChange' && change.kind === 'propertyChange') {
        // Values given at creation come with the creation event only (VERIFY).
        if (!subscription.propertyName) continue
        if (!change.properties.includes(subscription.propertyName)) continue
        const propertyValue = record?.values.get(subscription.propertyName) ?? ''
        events.push({ ...base, eventId: this.#eventIds++, propertyName: subscription.propertyName, propertyValue })
      }
    }
    if (events.length === 0) return
    this.#queue.push({ events, dueAt: change.at, attempts: 0 })
    if (this.#options.automatic) this.#schedule(this.#options.delayMs)
  }

  /** Sends every batch due now (new events merged into POSTs of up to `batchSize`), once at a time. */
  async flush(): Promise<Delivery[]> {
    while (this.#sending) await this.#sending
    this.#sending = this.#send()
    try {
      return await this.#sending
    } finally {
      this.#sending = undefined
    }
  }

  close(): void {
    this.#stop()
  }

  async #send(): Promise<Delivery[]> {
    const target = this.#target
    if (!target) return []
    const now = this.#clock.now().getTime()
    const due = this.#queue.filter((batch) => batch.dueAt <= now)
    for (const batch of due) this.#queue.splice(this.#queue.indexOf(batch), 1)
    // New events (attempt 0) are merged; a retried POST is retried with the same events.
    const fresh = due.filter((batch) => batch.attempts === 0).flatMap((batch) => batch.events)
    const posts: Batch[] = due.filter((batch) => batch.attempts > 0)
    for (let start = 0; start < fresh.length; start += this.#options.batchSize) {
      posts.push({ events: fresh.slice(start, start + this.#options.batchSize), dueAt: now, attempts: 0 })
    }
    const made: Delivery[] = []
    for (const post of posts) made.push(await this.#post(target, post))
    return made
  }

  async #post(url: string, batch: Batch): Promise<Delivery> {
    for (const event of batch.events) event.attemptNumber = batch.attempts
    const body = JSON.stringify(batch.events)
    const at = this.#clock.now().getTime()
    const headers = signedHeaders(this.#identity.clientSecret, 'POST', url, body, at)
    let status: number | null = null
    let error: string | undefined
    let retryAfterMs: number | undefined
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.#options.timeoutMs),
        redirect: 'manual',
      })
      status = response.status
      const retryAfter = Number(response.headers.get('retry-after'))
      if (status === 429 && retryAfter > 0) retryAfterMs = retryAfter * 1000
      // HubSpot reads only the status: the body is dropped unread.
      await response.body?.cancel()
    } catch (failure) {
      error = (failure as Error).message
    }
    const delivery: Delivery = {
      url,
      body,
      headers,
      events: batch.events.map((event) => ({ ...event })),
      status,
      at,
      ...(error ? { error } : {}),
    }
    this.#log.push(delivery)
    const failed = status === null || status < 200 || status >= 300
    if (failed && !WEBHOOKS.noRetryStatuses.includes(status ?? 0) && batch.attempts < this.#options.maxRetries) {
      const wait = retryAfterMs ?? this.#options.firstRetryMs * 2 ** batch.attempts
      this.#queue.push({
        events: batch.events,
        dueAt: this.#clock.now().getTime() + wait,
        attempts: batch.attempts + 1,
      })
    }
    return delivery
  }

  #schedule(delayMs: number): void {
    if (this.#timer) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      void this.flush().finally(() => {
        // Retries wait on the fake's clock: look again while any are queued.
        if (this.#options.automatic && this.#queue.length > 0) this.#schedule(Math.max(this.#options.delayMs, 100))
      })
    }, delayMs)
  }

  #stop(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
  }
}
