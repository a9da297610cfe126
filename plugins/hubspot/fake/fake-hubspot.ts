/**
 * The fake as a test sees it: the `FakeHubSpot` interface and the shapes its methods take and give (implemented
 * in `test-api.ts`).
 *
 * @module
 */
import type { WebhookRequest } from '@ksef-hub/connector-sdk'
import type { FakeClock } from '@ksef-hub/connector-sdk/testing'
import type { ObjectType } from './facts.ts'
import type { FaultKind, FaultMatch, FaultOptions } from './limits.ts'
import type { FakeInvoiceInput, HubSpotSeedOptions, HubSpotSeedResult } from './seed-options.ts'
import type { FakeRequestLog } from './server.ts'
import type { Delivery, Subscription, WebhookEvent } from './webhooks.ts'

/** A record's stored property values (only those with a value). */
export interface FakeRecord {
  readonly id: string
  readonly properties: Readonly<Record<string, string>>
}

/** An invoice with its line items and buyer, as stored. */
export interface FakeInvoiceView extends FakeRecord {
  readonly lineItems: readonly FakeRecord[]
  readonly company?: FakeRecord
  readonly contactIds: readonly string[]
}

/** A file in the portal's file manager. */
export interface FakeFile {
  readonly id: string
  /** The name with its extension. */
  readonly name: string
  readonly path: string
  readonly access: string
  readonly bytes: Buffer
}

/** A note associated with an invoice, with the files its `hs_attachment_ids` name. */
export interface FakeNote {
  readonly id: string
  readonly body: string
  readonly timestamp?: string
  readonly attachments: readonly FakeFile[]
  /** Ids in `hs_attachment_ids` that name no file. */
  readonly missingAttachments: readonly string[]
}

/** The OAuth side of the fake's app. */
export interface FakeOAuth {
  /** A refresh token as installing the app gives (scopes default: everything the fake serves). */
  issueRefreshToken(scopes?: readonly string[]): string
  /** An authorization code for `redirectUri` (exchanged at `POST /oauth/v1/token`). */
  authorizationCode(redirectUri: string, scopes?: readonly string[]): string
  /** The refresh tokens accepted now (with rotation: the latest of each chain). */
  refreshTokens(): string[]
  /** Revokes a refresh token (uninstalling the app revokes all). */
  revoke(refreshToken: string): boolean
  /** Every access token issued so far expires now. */
  expireAccessTokens(): void
  /** Access tokens issued so far. */
  tokensIssued(): number
}

/** Options of a signed delivery a test builds (`webhookRequest`). */
export interface WebhookRequestOptions {
  readonly subscriptionType?: 'object.creation' | 'object.propertyChange'
  readonly propertyName?: string
  readonly propertyValue?: string
  /** Another portal of the app (deliveries are per app and mix portals). */
  readonly portalId?: number
  /** The signing instant (default the fake's now), e.g. a stale one. */
  readonly timestamp?: number
}

/** A running fake HubSpot. */
export interface FakeHubSpot {
  /** The origin, e.g. `http://127.0.0.1:40123`: the SDK's `basePath`. */
  readonly url: string
  readonly portalId: number
  readonly appId: number
  readonly clientId: string
  readonly clientSecret: string
  /** The private app's token (`Authorization: Bearer pat-…`). */
  readonly privateAppToken: string
  /** The company property holding the buyer's NIP. */
  readonly nipProperty: string
  /** The invoice property naming the invoice a correction corrects. */
  readonly correctionProperty: string
  readonly clock: FakeClock
  readonly oauth: FakeOAuth
  /** Seeds invoices by category (no webhooks). */
  seed(options: HubSpotSeedOptions): HubSpotSeedResult
  /** Creates an invoice now, as a person in the UI (webhooks follow); returns its id. */
  createInvoice(input?: FakeInvoiceInput): string
  /** Changes an invoice now, as a person in the UI: `properties` (default a new `hs_comments`); webhooks follow. */
  touch(id: string, properties?: Readonly<Record<string, string>>): void
  /** An invoice with its lines and buyer, as stored. */
  invoice(id: string): FakeInvoiceView | undefined
  /** Any record, as stored. */
  record(type: ObjectType, id: string): FakeRecord | undefined
  /** The notes associated with an invoice, oldest first, with their attached files' bytes. */
  notesOf(invoiceId: string): FakeNote[]
  /** A file of the file manager. */
  file(id: string): FakeFile | undefined
  /** A type's property definitions, as the Properties API lists them. */
  properties(objectType: ObjectType): Record<string, unknown>[]
  /** Answers the next matching calls (default: the next API call) with a fault. */
  failNext(kind: FaultKind, count?: number, match?: FaultMatch, options?: FaultOptions): void
  /** `true`/`unavailable`: every call answers 503; `refused`: nothing listens; `false`: back (same port). */
  outage(mode: boolean | 'unavailable' | 'refused'): Promise<void>
  /** Every API call answers the burst 429 for `seconds` of the fake's clock. */
  storm(seconds: number): void
  /** Uses up today's daily budget: the next call answers the DAILY 429. */
  exhaustDailyLimit(): void
  /** The app's webhook target URL (one for all portals). */
  setWebhookTarget(url: string | undefined): void
  /** Webhook deliveries on timers (default) or only on `flushWebhooks`. */
  automaticWebhooks(on: boolean): void
  /** Sends the events and retries due now. */
  flushWebhooks(): Promise<Delivery[]>
  /** Every delivery POST so far. */
  deliveries(): readonly Delivery[]
  /** Events not delivered yet (new or waiting for a retry). */
  pendingWebhooks(): readonly WebhookEvent[]
  readonly webhookSubscriptions: readonly Subscription[]
  /** A delivery naming `invoiceIds`, signed as HubSpot signs it, as `url` receives it. */
  webhookRequest(url: string, invoiceIds: readonly string[], options?: WebhookRequestOptions): WebhookRequest
  /** Every request so far, with its status. */
  readonly requests: readonly FakeRequestLog[]
  close(): Promise<void>
}
