/**
 * What a plugin gives the conformance kit: its connector and a way to start its fake system. The kit then runs the
 * shared contract against the two (`runConformance`, `describeConformance`). A plugin exports its harness as the
 * default export of `conformance.ts` at its root, so `ksef-hub connector check plugins/<name>` finds it.
 *
 * @module
 */
import type { TenantInfo } from '../contract/context.ts'
import type { AnyConnector } from '../contract/definition.ts'
import type { WebhookRequest } from '../contract/webhooks.ts'
import type { MappingErrorCode } from '../errors.ts'

/** A failure a fake system can be told to answer with. */
export type FakeFailure =
  | { readonly status: 401 }
  | { readonly status: 429; readonly retryAfterSeconds?: number }
  | { readonly status: 500 | 502 | 503 }
  /** Accept the request and answer nothing (the client's timeout must end it). */
  | { readonly hang: true }

/** What the invoice of a mappable document must say: the kit checks that the mapping is right, not only valid. */
export interface ExpectedInvoice {
  /** P_2. */
  readonly number?: string
  /** `VAT`, `KOR`, ... */
  readonly type?: string
  /** The buyer's NIP (10 digits), or `null` for a buyer identified by none (a consumer). */
  readonly buyerNip?: string | null
  /** P_15, the amount due (decimal string, compared as a number: `"100"` equals `"100.00"`). */
  readonly totalDue?: string
}

/** A running fake system, seeded for the kit. */
export interface ConformanceFake {
  /** Settings that point the connector at this fake (base URLs on 127.0.0.1, a small page size). */
  readonly settings: unknown
  /** Secrets the fake accepts. */
  readonly secrets: unknown
  /** The tenant whose documents the fake holds (the seller of every invoice). */
  readonly tenant: TenantInfo
  /**
   * Source documents that must map to valid FA(3) invoices, by ref. With `pull`, at least two pages of them (so an
   * interrupted pull can be resumed); include at least one correction if the system has them.
   */
  readonly mappable: readonly string[]
  /** What the invoices of some mappable documents must say, by ref (optional; compared field by field). */
  readonly expected?: Readonly<Record<string, ExpectedInvoice>>
  /** Source documents that must fail to map, with the code each must fail with. */
  readonly unmappable: readonly { readonly ref: string; readonly code: MappingErrorCode }[]
  /** How many times `ksefNumber` has been written into document `ref` (effects in the fake's state, not calls). */
  writeBackEffects(ref: string, ksefNumber: string): Promise<number>
  /** How many bills the fake holds for `ksefNumber` (with `importIncoming`). */
  importEffects?(ksefNumber: string): Promise<number>
  /**
   * The NIP of a supplier the fake knows, as the seller of the purchase invoice `importIncoming.once` imports
   * (default: a valid NIP that is not the tenant's; a fake that creates unknown suppliers needs none).
   */
  readonly supplierNip?: string
  /** A webhook call naming `refs`, signed as the system signs it now (with `webhooks`). */
  webhook?(refs: readonly string[]): Promise<WebhookRequest>
  /**
   * Makes the fake answer its next `count` API calls (default 1) with `failure`. API calls are the system's own
   * endpoints: a token endpoint is left alone, so a renewal can succeed between two failed calls.
   */
  failNext(failure: FakeFailure, count?: number): void
  /** Expires the access token the connector holds, so the next call needs a renewal (with `auth.kind: 'oauth2'`). */
  expireAccessToken?(): void
  /** The refresh token the fake accepts now (it rotates at each renewal). */
  currentRefreshToken?(): string
  close(): Promise<void>
}

/** A plugin's harness. */
export interface ConformanceHarness {
  readonly connector: AnyConnector
  /** Starts a fresh fake, seeded with the documents it lists. */
  start(): Promise<ConformanceFake>
}
