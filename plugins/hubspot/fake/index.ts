/**
 * A faithful, stateful fake of HubSpot's API on 127.0.0.1, written from the vendor's contract in `contract/` (our
 * index of HubSpot's endpoints and field types, and signed webhook vectors; `facts.ts` lists every fact and its
 * source): CRM objects v3 (invoices, line items, companies, contacts, notes) with search, associations v4,
 * properties, tax rates, files, private-app and OAuth tokens, burst/daily/search limits with HubSpot's 429s,
 * webhook deliveries signed with v3 and retried, and faults a test injects.
 *
 * @module
 */
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import { createClock, type FakeClock, listenerOf, outageOf } from '@ksef-hub/connector-sdk/testing'
import { type AppIdentity, Auth, DEFAULT_SCOPES } from './auth.ts'
import { correctionProperties, DEFAULT_CORRECTION_PROPERTY } from './corrections.ts'
import {
  ACCESS_TOKEN_LIFETIME_SECONDS,
  FINALIZED_INVOICE_EDITS,
  LIMITS,
  MAX_BODY_BYTES,
  ROTATES_REFRESH_TOKENS,
} from './facts.ts'
import type { FakeHubSpot } from './fake-hubspot.ts'
import { Files } from './files.ts'
import type { Builder } from './invoices.ts'
import { Faults, Limiter, type LimitOptions } from './limits.ts'
import { Schema } from './schema.ts'
import { Seeder } from './seed.ts'
import { createFront, type FakeRequestLog } from './server.ts'
import { Store } from './store.ts'
import { testApi } from './test-api.ts'
import { type WebhookOptions, Webhooks } from './webhooks.ts'

export type { FakeClock } from '@ksef-hub/connector-sdk/testing'
export { DEFAULT_SCOPES } from './auth.ts'
export { contractClient, contractProblems } from './contract-check.ts'
export { CORRECTION_REASON_PROPERTY, DEFAULT_CORRECTION_PROPERTY } from './corrections.ts'
export type { ObjectType } from './facts.ts'
export type {
  FakeFile,
  FakeHubSpot,
  FakeInvoiceView,
  FakeNote,
  FakeOAuth,
  FakeRecord,
  WebhookRequestOptions,
} from './fake-hubspot.ts'
export type { FaultKind, FaultMatch, FaultOptions, LimitOptions } from './limits.ts'
export type { FakeInvoiceInput, FakeLineInput, HubSpotSeedOptions, HubSpotSeedResult } from './seed-options.ts'
export type { FakeRequestLog } from './server.ts'
export { connectionSettings } from './settings.ts'
export { signV3, webhookRequest } from './signature.ts'
export { FAKE_TAX_RATES, type FakeTaxRate } from './tax-rates.ts'
export type { Delivery, Subscription, WebhookEvent, WebhookOptions } from './webhooks.ts'

/** How a fake is started. */
export interface FakeHubSpotOptions {
  /** Default 0: a free port. */
  readonly port?: number
  /** Seed of the document generator (the same seed gives the same documents and ids). */
  readonly seed?: number
  readonly portalId?: number
  readonly appId?: number
  /** The OAuth app's credentials (default: random). */
  readonly clientId?: string
  readonly clientSecret?: string
  /** The private app's token (default: a random `pat-na1-…`). */
  readonly privateAppToken?: string
  /** What the private app's token may do (default `DEFAULT_SCOPES`). */
  readonly scopes?: readonly string[]
  /** The company property holding the NIP (default `nip`), created in the portal at start. */
  readonly nipProperty?: string
  /** The invoice property naming a correction's invoice (default `corrected_invoice_id`). */
  readonly correctionProperty?: string
  /** `expires_in` of access tokens (default 1800 s). */
  readonly tokenLifetimeSeconds?: number
  /** Whether each refresh answers a new refresh token and retires the old one (default false, as HubSpot). */
  readonly rotateRefreshTokens?: boolean
  /** Rate limits (default Free/Starter's). */
  readonly limits?: Partial<LimitOptions>
  /** The largest request body (default 10 MiB); larger ones are refused with 413. */
  readonly maxBodyBytes?: number
  readonly webhooks?: WebhookOptions
  /** Records written within this many ms are not found by search yet (default 0). */
  readonly searchLagMs?: number
  /** Which properties a PATCH may change on a finalized invoice (default `custom`). */
  readonly finalizedInvoiceEdits?: 'custom' | 'none' | 'all'
  /** Where the fake's clock starts (default now); it runs with real time, and tests move it. */
  readonly startAt?: Date
}

/**
 * Starts a fake HubSpot on 127.0.0.1.
 *
 * @example
 * ```ts
 * const fake = await startFakeHubSpot({ seed: 7 })
 * const { invoices } = fake.seed({ invoices: 12, corrections: 2, withoutNip: 1 })
 * const client = new Client({ accessToken: fake.privateAppToken, basePath: fake.url, numberOfApiCallRetries: 0 })
 * await fake.close()
 * ```
 */
export async function startFakeHubSpot(options: FakeHubSpotOptions = {}): Promise<FakeHubSpot> {
  const clock: FakeClock = createClock(options.startAt)
  const identity: AppIdentity = {
    portalId: options.portalId ?? 146_512_345,
    appId: options.appId ?? 4_129_871,
    clientId: options.clientId ?? randomUUID(),
    clientSecret: options.clientSecret ?? randomUUID(),
    privateAppToken: options.privateAppToken ?? `pat-na1-${randomUUID()}`,
  }
  const store = new Store(clock)
  const schema = new Schema()
  const nipProperty = options.nipProperty ?? 'nip'
  const correctionProperty = options.correctionProperty ?? DEFAULT_CORRECTION_PROPERTY
  // The portal's own setup, as its administrator made it before any invoice.
  const setupAt = new Date('2025-09-01T08:00:00.000Z')
  schema.createProperty(
    'companies',
    { name: nipProperty, label: 'NIP', type: 'string', fieldType: 'text', groupName: 'companyinformation' },
    setupAt,
  )
  for (const input of correctionProperties(correctionProperty)) schema.createProperty('invoices', input, setupAt)
  let invoiceNumber = 0
  const year = clock.now().getUTCFullYear()
  const nextInvoiceNumber = () => `FV/${String(++invoiceNumber).padStart(4, '0')}/${year}`
  const builder: Builder = { store, clock, nipProperty, correctionProperty, nextInvoiceNumber }
  const auth = new Auth(identity, clock, {
    lifetimeSeconds: options.tokenLifetimeSeconds ?? ACCESS_TOKEN_LIFETIME_SECONDS,
    rotateRefreshTokens: options.rotateRefreshTokens ?? ROTATES_REFRESH_TOKENS,
    privateAppScopes: options.scopes ?? DEFAULT_SCOPES,
  })
  const limiter = new Limiter({ ...LIMITS, ...options.limits }, clock)
  const faults = new Faults()
  const files = new Files(clock)
  const webhooks = new Webhooks(store, clock, identity, options.webhooks)
  const log: FakeRequestLog[] = []
  const timers = new Set<NodeJS.Timeout>()
  let origin = ''
  const server = createServer(
    createFront({
      store,
      schema,
      files,
      auth,
      clock,
      portalId: identity.portalId,
      appId: identity.appId,
      origin: () => origin,
      searchLagMs: options.searchLagMs ?? 0,
      finalizedEdits: options.finalizedInvoiceEdits ?? FINALIZED_INVOICE_EDITS,
      nextInvoiceNumber,
      limiter,
      faults,
      maxBodyBytes: options.maxBodyBytes ?? MAX_BODY_BYTES,
      log,
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
    identity,
    builder,
    clock,
    store,
    schema,
    files,
    auth,
    seeder: new Seeder(builder, options.seed),
    webhooks,
    faults,
    limiter,
    log,
    outage: (mode) => outage.set(mode),
    async close() {
      webhooks.close()
      for (const timer of timers) clearTimeout(timer)
      await stop()
    },
  })
}
