/**
 * A faithful, stateful fake of Dynamics 365 Business Central's API v2.0 and of Entra ID's client credentials
 * token endpoint, on 127.0.0.1, written from the vendor's contract in `contract/` (see `facts.ts` for every fact
 * and its source). Two companies with Polish sellers, posted sales invoices and credit memos paged with
 * `@odata.nextLink`, document attachments, purchase invoices posted by a bound action, webhook subscriptions with
 * their handshake and notifications, BC's errors and limits, and faults a test injects.
 *
 * @module
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import { createClock, type FakeClock, listenerOf, outageOf } from '@ksef-hub/connector-sdk/testing'
import { type BcCredentials, Entra } from './auth.ts'
import { COMPANIES } from './catalog.ts'
import { addCompany, type FakeCompany } from './company.ts'
import { Numbering } from './documents.ts'
import {
  BC_SCOPE,
  MAX_CONCURRENT,
  MAX_PAGE_SIZE,
  MAX_QUEUED,
  QUEUE_TIMEOUT_MS,
  TOKEN_LIFETIME_SECONDS,
  WINDOW_MS,
  WINDOW_REQUESTS,
} from './facts.ts'
import type { FakeBc } from './fake-bc.ts'
import { Faults, Limiter, type LimitOptions } from './limits.ts'
import { type NotificationOptions, Notifications } from './notifications.ts'
import { Seeder } from './seed.ts'
import { createFront, type FakeRequestLog } from './server.ts'
import { Store } from './store.ts'
import { testApi } from './test-api.ts'
import { Subscriptions } from './webhooks.ts'

export type { FakeClock } from '@ksef-hub/connector-sdk/testing'
export type { BcCredentials } from './auth.ts'
export { FAKE_KSEF_START_DATE, FAKE_TAX_CODES } from './catalog.ts'
export type { FakeCompany } from './company.ts'
export { BC_SCOPE } from './facts.ts'
export type {
  FakeAttachment,
  FakeBc,
  FakeInvoiceInput,
  FakePurchaseInvoice,
  FakeSubscription,
  NotificationChange,
} from './fake-bc.ts'
export type { FaultKind, FaultMatch, FaultOptions, LimitOptions } from './limits.ts'
export type { Delivery, NotificationItem, NotificationOptions } from './notifications.ts'
export type { BcSeedOptions, BcSeedResult } from './seed.ts'
export type { FakeRequestLog } from './server.ts'
export { connectionSettings } from './settings.ts'

/** How a fake is started. */
export interface FakeBcOptions {
  /** Default 0: a free port. */
  readonly port?: number
  /** The Entra app and BC environment the fake accepts (default: random ids and secret, `production`). */
  readonly credentials?: Partial<BcCredentials>
  /** `expires_in` of the tokens it issues (default 3599 s). */
  readonly tokenLifetimeSeconds?: number
  /** The server's page size (default BC's 20,000; a small one makes pages). */
  readonly pageSize?: number
  /** The largest request body (default 10 MiB); larger ones are refused with 413. */
  readonly maxBodyBytes?: number
  /** The per-user limits (default BC online's: 5 at once, 95 queued, 6,000 per 5 min). */
  readonly limits?: Partial<LimitOptions>
  /** How notifications are sent (default: automatically, 30 s after the first change). */
  readonly notifications?: NotificationOptions
  /** How long the subscriber has to echo the validation token (default 5 s). */
  readonly handshakeTimeoutMs?: number
  /** Where the fake's clock starts (default now); it runs with real time, and tests move it. */
  readonly startAt?: Date
  /** How many companies (1 or 2, default 2). */
  readonly companies?: 1 | 2
  /** Seed of the document generator (the same seed gives the same documents). */
  readonly seed?: number
}

/**
 * Starts a fake Business Central on 127.0.0.1.
 *
 * @example
 * ```ts
 * const bc = await startFakeBc({ pageSize: 5 })
 * const [company] = bc.companies
 * const { invoices } = bc.seed(company!.id, { invoices: 12, creditMemos: 2 })
 * bc.failNext('503', 2)
 * await bc.close()
 * ```
 */
export async function startFakeBc(options: FakeBcOptions = {}): Promise<FakeBc> {
  const clock: FakeClock = createClock(options.startAt)
  const credentials: BcCredentials = {
    entraTenantId: options.credentials?.entraTenantId ?? randomUUID(),
    environment: options.credentials?.environment ?? 'production',
    clientId: options.credentials?.clientId ?? randomUUID(),
    clientSecret: options.credentials?.clientSecret ?? `Fk8Q~${randomBytes(27).toString('base64url')}`,
  }
  const store = new Store(clock)
  const numberings = new Map<string, Numbering>()
  const numbering = (companyId: string) => {
    let series = numberings.get(companyId)
    if (!series) {
      series = new Numbering()
      numberings.set(companyId, series)
    }
    return series
  }
  const companies: FakeCompany[] = COMPANIES.slice(0, options.companies ?? 2).map((template) => {
    const company = addCompany(store, clock, numbering, template)
    numbering(company.id).useSalesSeries(template.salesSeries)
    return company
  })
  const subscriptions = new Subscriptions(store, clock, {
    ...(options.handshakeTimeoutMs !== undefined ? { handshakeTimeoutMs: options.handshakeTimeoutMs } : {}),
  })
  const notifications = new Notifications(subscriptions, clock, options.notifications)
  store.onChange((change) => notifications.record(change))
  const limits: LimitOptions = {
    maxConcurrent: MAX_CONCURRENT,
    maxQueued: MAX_QUEUED,
    queueTimeoutMs: QUEUE_TIMEOUT_MS,
    windowRequests: WINDOW_REQUESTS,
    windowMs: WINDOW_MS,
    ...options.limits,
  }
  const entra = new Entra(credentials, clock, {
    lifetimeSeconds: options.tokenLifetimeSeconds ?? TOKEN_LIFETIME_SECONDS,
  })
  const faults = new Faults()
  const log: FakeRequestLog[] = []
  const timers = new Set<NodeJS.Timeout>()
  let origin = ''
  const server = createServer(
    createFront({
      credentials,
      entra,
      store,
      clock,
      limiter: new Limiter(limits, clock),
      faults,
      subscriptions,
      numbering,
      pageSize: Math.min(options.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE),
      maxBodyBytes: options.maxBodyBytes ?? 10 * 1024 * 1024,
      log,
      origin: () => origin,
      unavailable: () => outage.unavailable,
      timers,
    }),
  )
  const { listen, stop } = listenerOf(server)
  const outage = outageOf(server, { listen, stop })
  const port = await listen(options.port ?? 0)
  origin = `http://127.0.0.1:${port}`
  return testApi({
    origin,
    credentials,
    scope: BC_SCOPE,
    companies,
    clock,
    store,
    seeder: new Seeder(store, clock, numbering, options.seed),
    numbering,
    subscriptions,
    notifications,
    entra,
    faults,
    log,
    outage: (mode) => outage.set(mode),
    async close() {
      notifications.close()
      for (const timer of timers) clearTimeout(timer)
      await stop()
    },
  })
}
