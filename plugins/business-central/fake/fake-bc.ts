/**
 * The fake as a test sees it: the `FakeBc` interface and the shapes its methods take and give (implemented in
 * `test-api.ts`).
 *
 * @module
 */
import type { WebhookRequest } from '@ksef-hub/connector-sdk'
import type { FakeClock } from '@ksef-hub/connector-sdk/testing'
import type { BcCredentials } from './auth.ts'
import type { FakeCompany } from './company.ts'
import type { FaultKind, FaultMatch, FaultOptions } from './limits.ts'
import type { Delivery } from './notifications.ts'
import type { LineInput } from './posting.ts'
import type { BcSeedOptions, BcSeedResult } from './seed.ts'
import type { FakeRequestLog } from './server.ts'

/** A posted invoice to add later (everything optional). */
export interface FakeInvoiceInput {
  /** An existing customer, or a new one (NIP as typed into BC, or `''` for none). */
  readonly customerId?: string
  readonly customer?: {
    readonly name: string
    readonly nip: string
    readonly country?: string
    readonly type?: 'Company' | 'Person'
  }
  readonly currencyCode?: string
  readonly invoiceDate?: string
  readonly status?: 'Open' | 'Paid' | 'Draft'
  readonly pricesIncludeTax?: boolean
  readonly lines?: readonly LineInput[]
}

/** An attachment as a client left it. */
export interface FakeAttachment {
  readonly id: string
  readonly fileName: string
  readonly parentType: string
  readonly parentId: string
  readonly bytes: Buffer
}

/** A purchase invoice as a client left it. */
export interface FakePurchaseInvoice {
  readonly id: string
  /** The API's view of it (amounts as JSON numbers). */
  readonly entity: Record<string, unknown>
  readonly lines: readonly Record<string, unknown>[]
  readonly attachments: readonly FakeAttachment[]
}

/** A subscription, with how many validation handshakes it passed. */
export interface FakeSubscription {
  readonly subscriptionId: string
  readonly notificationUrl: string
  readonly resource: string
  readonly clientState: string
  readonly expirationDateTime: string
  readonly handshakes: number
}

/** One change a test wants announced to a notification URL. */
export interface NotificationChange {
  readonly companyId: string
  readonly set?: 'salesInvoices' | 'salesCreditMemos' | 'purchaseInvoices'
  readonly id: string
  readonly changeType?: 'created' | 'updated' | 'deleted'
}

/** A running fake Business Central. */
export interface FakeBc {
  /** The origin, e.g. `http://127.0.0.1:40123`. */
  readonly url: string
  /** The API base of the fake's tenant and environment: `{url}/v2.0/{tenant}/{environment}/api/v2.0`. */
  readonly apiBase: string
  /** Entra's token endpoint for the tenant: `{url}/{tenant}/oauth2/v2.0/token`. */
  readonly tokenUrl: string
  /** The scope to ask for: `https://api.businesscentral.dynamics.com/.default`. */
  readonly scope: string
  readonly credentials: BcCredentials
  /** The companies (two by default), each with its seller's NIP. */
  readonly companies: readonly FakeCompany[]
  readonly clock: FakeClock
  /** Seeds posted documents into a company (no notifications). */
  seed(companyId: string, options: BcSeedOptions): BcSeedResult
  /** Posts an invoice now (notified as created); returns its id. */
  postInvoice(companyId: string, input?: FakeInvoiceInput): string
  /** Changes a document now (a new `lastModifiedDateTime` and ETag; notified as updated). */
  touch(companyId: string, id: string): void
  /** A sales document or purchase invoice as a client reads it (lines expanded, amounts JSON numbers). */
  document(companyId: string, id: string): Record<string, unknown> | undefined
  /** Attachments of a document (`parentType` as BC names it: `Sales Invoice`, `Sales Credit Memo`, ...). */
  attachments(companyId: string, parentType: string, parentId: string): FakeAttachment[]
  /** Purchase invoices of a company, with their lines and attachments. */
  purchaseInvoices(companyId: string): FakePurchaseInvoice[]
  /** Adds a supplier; `nip` is stored as given (with `PL` or not). Returns its id. */
  addVendor(companyId: string, vendor: { readonly nip: string; readonly name: string }): string
  /** Live subscriptions. */
  subscriptions(): FakeSubscription[]
  /** Sends gathered notifications and due retries now. */
  flushNotifications(): Promise<Delivery[]>
  /** Turns automatic sending on or off. */
  automaticNotifications(on: boolean): void
  /** Every notification POST so far. */
  deliveries(): readonly Delivery[]
  /** A notification as BC would POST it to `url` (for a connector's webhook tests). */
  notificationRequest(
    url: string,
    subscription: { readonly subscriptionId: string; readonly clientState: string },
    changes: readonly NotificationChange[],
  ): WebhookRequest
  /** Answers the next matching calls (default: the next API call) with a fault. */
  failNext(kind: FaultKind, count?: number, match?: FaultMatch, options?: FaultOptions): void
  /** `true`/`unavailable`: every call answers 503; `refused`: nothing listens; `false`: back (same port). */
  outage(mode: boolean | 'unavailable' | 'refused'): Promise<void>
  /** Every token issued so far stops working. */
  expireTokens(): void
  /** Tokens issued so far. */
  tokensIssued(): number
  /** Every request so far, with its status. */
  readonly requests: readonly FakeRequestLog[]
  close(): Promise<void>
}
