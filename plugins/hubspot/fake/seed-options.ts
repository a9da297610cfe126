/**
 * What a test asks the seeder for, by category, the ids it gets back, and what a single invoice may say.
 *
 * @module
 */

/** What to seed. Every count defaults to 0. */
export interface HubSpotSeedOptions {
  /** Open invoices that map to valid FA(3) invoices: PLN and EUR, lines at several tax-rate groups (0 % and ZW too). */
  readonly invoices?: number
  /** Corrections (invoices with negative lines naming one of this call's invoices); at most `invoices`. */
  readonly corrections?: number
  /** Open invoices to a company without a NIP (`BUYER_NIP_MISSING`). */
  readonly withoutNip?: number
  /** Open invoices with a line in the group `VAT 7% (old)`, which no connection's tax table maps. */
  readonly unmappedTaxRate?: number
  /** Draft invoices (not issued: not for KSeF). */
  readonly drafts?: number
  /** Voided invoices. */
  readonly voided?: number
  /** Give every three invoices in a row one `hs_lastmodifieddate` (HubSpot does not promise distinct instants). */
  readonly ties?: boolean
}

/** The invoice ids of what was seeded, by category. */
export interface HubSpotSeedResult {
  readonly invoices: readonly string[]
  readonly corrections: readonly string[]
  readonly withoutNip: readonly string[]
  readonly unmappedTaxRate: readonly string[]
  readonly drafts: readonly string[]
  readonly voided: readonly string[]
}

/** One line of an invoice to create. */
export interface FakeLineInput {
  readonly name: string
  /** Decimal strings, as HubSpot keeps them. */
  readonly quantity: string
  readonly price: string
  /** A tax-rate group id (`FAKE_TAX_RATES`). */
  readonly taxRateGroupId?: string
}

/** An invoice to create now (everything optional). */
export interface FakeInvoiceInput {
  /** An existing company, or a new one (NIP as typed into the NIP property; `''` for none). */
  readonly companyId?: string
  readonly company?: { readonly name: string; readonly nip: string; readonly country?: string }
  readonly currency?: string
  /** The invoice's day (`YYYY-MM-DD`, stored as the portal's midnight); default today in Warsaw. */
  readonly invoiceDate?: string
  readonly status?: 'draft' | 'open' | 'paid' | 'voided'
  readonly lines?: readonly FakeLineInput[]
  /** For a correction: the id of the invoice it corrects, and why. */
  readonly corrects?: string
  readonly reason?: string
  /** Any other invoice properties, as stored. */
  readonly properties?: Readonly<Record<string, string>>
}
