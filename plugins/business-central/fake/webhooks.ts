/**
 * BC's webhook subscriptions (`/subscriptions`): created and renewed only after the subscriber echoes a
 * validation token (a POST of `notificationUrl?validationToken=…`, answered 200 with the token as the sole body
 * within 5 s), three days of life on the fake's clock, renewal by PATCH with `If-Match` (the handshake again), and
 * deletion. What happens to changes of subscribed entity sets is `notifications.ts`.
 *
 * @module
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { FakeClock } from '@ksef-hub/connector-sdk/testing'
import {
  BC_ERRORS,
  HANDSHAKE_TIMEOUT_MS,
  SUBSCRIPTION_LIFETIME_MS,
  VALIDATION_METHOD,
  WEBHOOK_ENTITY_SETS,
} from './facts.ts'
import { BcError } from './http.ts'
import { etagOf, type Row } from './model.ts'
import type { Store } from './store.ts'

/** A subscription as the fake holds it. */
export interface Subscription {
  readonly subscriptionId: string
  notificationUrl: string
  resource: string
  clientState: string
  /** The company and entity set the resource names. */
  companyId: string
  set: string
  /** Expiry on the fake's clock (ms). */
  expiresAt: number
  readonly createdAt: number
  modifiedAt: number
  readonly userId: string
  version: number
  readonly seed: number
  /** Validation requests answered (create and each renewal). */
  handshakes: number
}

/** How subscriptions behave. */
export interface SubscriptionOptions {
  readonly handshakeTimeoutMs?: number
}

/** The request body of a create or renewal, as the route parsed it. */
export interface SubscriptionInput {
  readonly notificationUrl?: string
  readonly resource?: string
  readonly clientState?: string
}

const RESOURCE =
  /^(?:https?:\/\/[^/]+\/v2\.0\/[^/]+\/[^/]+)?\/?api\/v2\.0\/companies\(([0-9a-fA-F-]{36})\)\/([A-Za-z]+)\/?$/

/**
 * Asks the subscriber to echo a token; resolves with what went wrong, or `undefined` when it echoed.
 *
 * @example
 * ```ts
 * const problem = await validate('https://hub.example/webhooks/bc', 5000)
 * ```
 */
export async function validate(notificationUrl: string, timeoutMs: number): Promise<string | undefined> {
  const token = randomBytes(16).toString('hex')
  const separator = notificationUrl.includes('?') ? '&' : '?'
  try {
    const response = await fetch(`${notificationUrl}${separator}validationToken=${token}`, {
      method: VALIDATION_METHOD,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    })
    const text = await response.text()
    if (response.status !== 200) return `the notification URL answered ${response.status}`
    if (text !== token) return 'the notification URL did not answer with the validationToken as its body'
    return undefined
  } catch (error) {
    return `the notification URL could not be reached (${(error as Error).message})`
  }
}

/**
 * The subscriptions of the fake's tenant.
 *
 * @example
 * ```ts
 * const subscription = await subscriptions.create({ notificationUrl, resource, clientState }, clientId)
 * ```
 */
export class Subscriptions {
  readonly #store: Store
  readonly #clock: FakeClock
  readonly #timeoutMs: number
  readonly #all = new Map<string, Subscription>()
  #seeds = 1000

  constructor(store: Store, clock: FakeClock, options: SubscriptionOptions = {}) {
    this.#store = store
    this.#clock = clock
    this.#timeoutMs = options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS
  }

  /** Live subscriptions (expired ones are gone, as BC's cleanup removes them). */
  list(): Subscription[] {
    const now = this.#clock.now().getTime()
    for (const [id, subscription] of this.#all) if (subscription.expiresAt <= now) this.#all.delete(id)
    return [...this.#all.values()]
  }

  get(id: string): Subscription | undefined {
    return this.list().find((subscription) => subscription.subscriptionId === id)
  }

  delete(id: string): boolean {
    return this.#all.delete(id)
  }

  etag(subscription: Subscription): string {
    return etagOf(subscription.version, subscription.seed)
  }

  #target(resource: string): { companyId: string; set: string } {
    const match = RESOURCE.exec(resource)
    const [companyId, set] = [match?.[1]?.toLowerCase() ?? '', match?.[2] ?? '']
    if (!match || !this.#store.hasCompany(companyId) || !(WEBHOOK_ENTITY_SETS as readonly string[]).includes(set)) {
      throw new BcError(BC_ERRORS.unsupportedResource(resource))
    }
    return { companyId, set }
  }

  async #handshake(notificationUrl: string): Promise<void> {
    const problem = await validate(notificationUrl, this.#timeoutMs)
    if (problem) throw new BcError(BC_ERRORS.handshakeFailed(problem))
  }

  /**
   * Creates a subscription once its notification URL echoed the validation token.
   *
   * @throws {BcError} BC's 400 for a missing field, an unsupported resource, or a failed handshake
   */
  async create(input: SubscriptionInput, clientId: string): Promise<Subscription> {
    const key = 'Subscription Id=<new>'
    if (!input.notificationUrl)
      throw new BcError(BC_ERRORS.mustHaveValue('Notification Url', 'API Webhook Subscription', key))
    if (!input.resource) throw new BcError(BC_ERRORS.mustHaveValue('Resource Url', 'API Webhook Subscription', key))
    const target = this.#target(input.resource)
    await this.#handshake(input.notificationUrl)
    const now = this.#clock.now().getTime()
    const subscription: Subscription = {
      subscriptionId: randomUUID().replaceAll('-', ''),
      notificationUrl: input.notificationUrl,
      resource: input.resource,
      clientState: input.clientState ?? '',
      ...target,
      expiresAt: now + SUBSCRIPTION_LIFETIME_MS,
      createdAt: now,
      modifiedAt: now,
      userId: userIdOf(clientId),
      version: 1,
      seed: ++this.#seeds,
      handshakes: 1,
    }
    this.#all.set(subscription.subscriptionId, subscription)
    return subscription
  }

  /**
   * Renews a subscription (three more days), after the handshake with its (possibly new) notification URL.
   *
   * @throws {BcError} BC's 400 for an unsupported resource or a failed handshake; the subscription is unchanged
   */
  async renew(subscription: Subscription, input: SubscriptionInput): Promise<Subscription> {
    const notificationUrl = input.notificationUrl ?? subscription.notificationUrl
    const resource = input.resource ?? subscription.resource
    const target = this.#target(resource)
    await this.#handshake(notificationUrl)
    const now = this.#clock.now().getTime()
    Object.assign(subscription, {
      notificationUrl,
      resource,
      ...target,
      clientState: input.clientState ?? subscription.clientState,
      expiresAt: now + SUBSCRIPTION_LIFETIME_MS,
      modifiedAt: now,
      version: subscription.version + 1,
      handshakes: subscription.handshakes + 1,
    })
    return subscription
  }
}

/**
 * A stable GUID for the user (service principal) of a client id.
 *
 * @example
 * ```ts
 * userIdOf(clientId) // the same GUID for every subscription of the app
 * ```
 */
export function userIdOf(clientId: string): string {
  const hex = Buffer.from(clientId.padEnd(16, '0')).toString('hex').slice(0, 32).padEnd(32, '0')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

/**
 * A subscription as the API's `subscription` entity.
 *
 * @example
 * ```ts
 * render(ENTITIES.subscriptions, subscriptionRow(subscription), { etag })
 * ```
 */
export function subscriptionRow(subscription: Subscription): Row {
  const iso = (ms: number) => new Date(ms).toISOString()
  return {
    subscriptionId: subscription.subscriptionId,
    notificationUrl: subscription.notificationUrl,
    resource: subscription.resource,
    timestamp: subscription.version,
    userId: subscription.userId,
    lastModifiedDateTime: iso(subscription.modifiedAt),
    clientState: subscription.clientState,
    expirationDateTime: iso(subscription.expiresAt),
    systemCreatedAt: iso(subscription.createdAt),
    systemCreatedBy: subscription.userId,
    systemModifiedAt: iso(subscription.modifiedAt),
    systemModifiedBy: subscription.userId,
  }
}
