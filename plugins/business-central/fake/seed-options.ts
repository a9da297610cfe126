/**
 * What a test asks the seeder for, by category, and the ids it gets back.
 *
 * @module
 */

/** What to seed into a company. Every count defaults to 0. */
export interface BcSeedOptions {
  /** Posted invoices that map to valid FA(3) invoices (PLN and EUR, several tax codes). */
  readonly invoices?: number
  /** Posted credit memos, each naming one of this call's invoices. */
  readonly creditMemos?: number
  /** Posted invoices to consumers (customers of type Person without a NIP), on gross prices. */
  readonly consumers?: number
  /** Posted invoices to a company customer without a NIP (`BUYER_NIP_MISSING`). */
  readonly withoutNip?: number
  /** Posted invoices with a line posted with `VAT22`, a code the connection's table leaves out. */
  readonly unmappedTaxCode?: number
  /** Posted credit memos naming no invoice (a rebate): KSeF has no original for them to correct. */
  readonly unsupported?: number
  /** Draft invoices (status `Draft`: not issued, not for KSeF). */
  readonly drafts?: number
  /** Credit memos issued now of invoices issued before `FAKE_KSEF_START_DATE` (which the fake holds too). */
  readonly outsideKsefCorrections?: number
  /** Give every three documents in a row one `lastModifiedDateTime` (BC does not promise distinct instants). */
  readonly ties?: boolean
}

/** The ids of what was seeded, by category. */
export interface BcSeedResult {
  readonly invoices: readonly string[]
  readonly creditMemos: readonly string[]
  readonly consumers: readonly string[]
  readonly withoutNip: readonly string[]
  readonly unmappedTaxCode: readonly string[]
  readonly unsupported: readonly string[]
  readonly drafts: readonly string[]
  readonly outsideKsefCorrections: readonly string[]
  /** The invoices those credit memos correct, issued before the KSeF start. */
  readonly beforeKsef: readonly string[]
}
