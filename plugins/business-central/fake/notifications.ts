/**
 * BC's webhook notifications: changes of a subscribed entity set gather for a delay after the first (30 s in BC;
 * one change per entity, the latest), then go out as `{"value":[…]}`, one POST per notification URL holding the
 * items of every subscription to it; more than the threshold (1,000) of changed entities in one delay becomes a
 * single `collection` item whose resource carries a `$filter`. A POST answered 408, 429 or 5xx (or not answered)
 * is tried again for 36 h of the fake's clock; any other non-2xx deletes the subscriptions it was for. Tests drive
 * delivery: automatic (on timers) or not, and `flush` sends everything due now.
 *
 * @module
 */
import type { FakeClock } from '@ksef-hub/connector-sdk/testing'
import {
  COLLECTION_THRESHOLD,
  NOTIFICATION_DELAY_MS,
  NOTIFICATION_RETRY_WINDOW_MS,
  NOTIFICATION_TIMEOUT_MS,
} from './facts.ts'
import type { Change, ChangeType } from './store.ts'
import type { Subscription, Subscriptions } from './webhooks.ts'

/** One item of a notification, as BC writes it. */
export interface NotificationItem {
  readonly subscriptionId: string
  readonly clientState: string
  readonly expirationDateTime: string
  readonly resource: string
  readonly changeType: ChangeType | 'collection'
  readonly lastModifiedDateTime: string
}

/** One POST of notifications and what became of it. */
export interface Delivery {
  readonly url: string
  readonly body: { readonly value: readonly NotificationItem[] }
  /** The subscriber's status, or `null` when it did not answer (`error` says why). */
  readonly status: number | null
  readonly error?: string
  /** 1 for the first try. */
  readonly attempt: number
  /** What the fake did next. */
  readonly outcome: 'delivered' | 'retry' | 'gave-up' | 'subscription-deleted'
}

/** How notifications behave. */
export interface NotificationOptions {
  /** Send on timers (default true); otherwise only `flush` sends. */
  readonly automatic?: boolean
  /** Real-time wait after the first change before sending (default 30 s, as BC). */
  readonly delayMs?: number
  /** Changed entities in one delay past which one `collection` item is sent (default 1,000). */
  readonly collectionThreshold?: number
  /** Real-time waits between automatic retries (default 1 min, then 5 min). */
  readonly retryDelaysMs?: readonly number[]
  readonly timeoutMs?: number
}

interface Pending {
  readonly since: string
  readonly changes: Map<string, { changeType: ChangeType; at: string }>
}

interface Outgoing {
  readonly url: string
  readonly items: readonly NotificationItem[]
  readonly firstTry: number
  attempts: number
}

const merge = (before: ChangeType, after: ChangeType): ChangeType =>
  after === 'deleted' ? 'deleted' : before === 'created' ? 'created' : after

/**
 * The notification pipeline of the fake's subscriptions.
 *
 * @example
 * ```ts
 * store.onChange((change) => notifications.record(change))
 * const deliveries = await notifications.flush()
 * ```
 */
export class Notifications {
  readonly #subscriptions: Subscriptions
  readonly #clock: FakeClock
  readonly #options: Required<NotificationOptions>
  readonly #pending = new Map<string, Pending>()
  readonly #outbox: Outgoing[] = []
  readonly #log: Delivery[] = []
  readonly #timers = new Set<NodeJS.Timeout>()
  #automatic: boolean

  constructor(subscriptions: Subscriptions, clock: FakeClock, options: NotificationOptions = {}) {
    this.#subscriptions = subscriptions
    this.#clock = clock
    this.#options = {
      automatic: options.automatic ?? true,
      delayMs: options.delayMs ?? NOTIFICATION_DELAY_MS,
      collectionThreshold: options.collectionThreshold ?? COLLECTION_THRESHOLD,
      retryDelaysMs: options.retryDelaysMs ?? [60_000, 300_000],
      timeoutMs: options.timeoutMs ?? NOTIFICATION_TIMEOUT_MS,
    }
    this.#automatic = this.#options.automatic
  }

  /** Turns automatic sending on or off (pending notifications wait for `flush` while off). */
  setAutomatic(on: boolean): void {
    this.#automatic = on
    if (on && (this.#pending.size > 0 || this.#outbox.length > 0)) this.#later(this.#options.delayMs)
  }

  /** Every POST made so far. */
  deliveries(): readonly Delivery[] {
    return [...this.#log]
  }

  /** Notes a change for the subscriptions to its entity set. */
  record(change: Change): void {
    for (const subscription of this.#subscriptions.list()) {
      if (subscription.companyId !== change.companyId || subscription.set !== change.set) continue
      let pending = this.#pending.get(subscription.subscriptionId)
      if (!pending) {
        pending = { since: change.at, changes: new Map() }
        this.#pending.set(subscription.subscriptionId, pending)
        if (this.#automatic) this.#later(this.#options.delayMs)
      }
      const before = pending.changes.get(change.id)
      pending.changes.set(change.id, {
        changeType: before ? merge(before.changeType, change.changeType) : change.changeType,
        at: change.at,
      })
    }
  }

  /** Sends every gathered notification and every retry now, ignoring the delays; resolves with the POSTs made. */
  async flush(): Promise<Delivery[]> {
    this.#gather()
    const due = this.#outbox.splice(0)
    const deliveries = await Promise.all(due.map((outgoing) => this.#send(outgoing)))
    return deliveries.filter((delivery): delivery is Delivery => delivery !== undefined)
  }

  /** Stops the timers (pending notifications are dropped). */
  close(): void {
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
  }

  #later(ms: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      if (this.#automatic) void this.flush()
    }, ms)
    timer.unref()
    this.#timers.add(timer)
  }

  #items(subscription: Subscription, pending: Pending): NotificationItem[] {
    const base = {
      subscriptionId: subscription.subscriptionId,
      clientState: subscription.clientState,
      expirationDateTime: new Date(subscription.expiresAt).toISOString(),
    }
    const path = `api/v2.0/companies(${subscription.companyId})/${subscription.set}`
    const changes = [...pending.changes.entries()]
    if (changes.length > this.#options.collectionThreshold) {
      const last =
        changes
          .map(([, change]) => change.at)
          .sort()
          .at(-1) ?? pending.since
      const since = new Date(Date.parse(pending.since) - 1).toISOString()
      return [
        {
          ...base,
          // As Learn's sample writes it: a leading slash and an encoded $filter from just before the first change.
          resource: `/${path}?$filter=lastModifiedDateTime%20gt%20${since}`,
          changeType: 'collection',
          lastModifiedDateTime: last,
        },
      ]
    }
    return changes.map(([id, change]) => ({
      ...base,
      resource: `${path}(${id})`,
      changeType: change.changeType,
      lastModifiedDateTime: change.at,
    }))
  }

  #gather(): void {
    const byUrl = new Map<string, NotificationItem[]>()
    for (const [id, pending] of this.#pending) {
      const subscription = this.#subscriptions.get(id)
      if (!subscription) continue
      byUrl.set(subscription.notificationUrl, [
        ...(byUrl.get(subscription.notificationUrl) ?? []),
        ...this.#items(subscription, pending),
      ])
    }
    this.#pending.clear()
    const now = this.#clock.now().getTime()
    for (const [url, items] of byUrl) this.#outbox.push({ url, items, firstTry: now, attempts: 0 })
  }

  async #send(outgoing: Outgoing): Promise<Delivery | undefined> {
    // Items of subscriptions deleted meanwhile are not sent.
    const items = outgoing.items.filter((item) => this.#subscriptions.get(item.subscriptionId))
    if (items.length === 0) return undefined
    outgoing.attempts += 1
    const body = { value: items }
    let status: number | null = null
    let error: string | undefined
    try {
      const response = await fetch(outgoing.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.#options.timeoutMs),
        redirect: 'manual',
      })
      status = response.status
      await response.body?.cancel()
    } catch (cause) {
      error = (cause as Error).message
    }
    const retryable = status === null || status === 408 || status === 429 || status >= 500
    let outcome: Delivery['outcome'] = 'delivered'
    if (status !== null && status >= 200 && status < 300) outcome = 'delivered'
    else if (!retryable) {
      outcome = 'subscription-deleted'
      for (const item of items) this.#subscriptions.delete(item.subscriptionId)
    } else if (this.#clock.now().getTime() - outgoing.firstTry >= NOTIFICATION_RETRY_WINDOW_MS) outcome = 'gave-up'
    else {
      outcome = 'retry'
      this.#outbox.push({ ...outgoing, items })
      const delays = this.#options.retryDelaysMs
      if (this.#automatic) this.#later(delays[Math.min(outgoing.attempts - 1, delays.length - 1)] ?? 60_000)
    }
    const delivery: Delivery = {
      url: outgoing.url,
      body,
      status,
      ...(error ? { error } : {}),
      attempt: outgoing.attempts,
      outcome,
    }
    this.#log.push(delivery)
    return delivery
  }
}
