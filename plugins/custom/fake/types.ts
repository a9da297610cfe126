/**
 * The documents of the fake source, as its API gives them (described in `openapi.json`, schema `Invoice`).
 *
 * @module
 */

/** A postal address as ERPs keep it. */
export interface FakeAddress {
  readonly street: string
  readonly postalCode: string
  readonly city: string
  /** ISO 3166 alpha-2. */
  readonly country: string
}

/** A customer, embedded in each of its documents. */
export interface FakeCustomer {
  readonly id: string
  readonly name: string
  /** The Polish NIP as the ERP holds it (sometimes with `PL`, dashes or spaces); `null` when not entered. */
  readonly nip: string | null
  /** An EU VAT number with its country prefix, for customers in other member states. */
  readonly vatId: string | null
  readonly email: string | null
  readonly address: FakeAddress
}

/** A document line: prices are decimal strings, net or gross as the document says. */
export interface FakeLine {
  readonly description: string
  readonly sku: string
  readonly quantity: string
  readonly unit: string
  readonly unitPrice: string
  /** The ERP's tax code (`VAT23`, `VAT8`, `VAT5`, `WDT0`, `ZW`, `NP`). */
  readonly taxCode: string
}

/** What the hub wrote back. */
export interface FakeKsefFields {
  readonly number: string | null
  readonly acquisitionDate: string | null
  readonly verificationUrl: string | null
  readonly upoAttached: boolean
}

/** An invoice or a credit note. */
export interface FakeDocument {
  readonly id: string
  readonly kind: 'invoice' | 'credit_note'
  readonly status: 'draft' | 'issued'
  readonly number: string
  /** `YYYY-MM-DD`, the day in Europe/Warsaw. */
  readonly issueDate: string
  readonly saleDate: string
  readonly currency: 'PLN' | 'EUR'
  /** PLN per EUR (NBP mid rate of the previous working day), `null` for PLN. */
  readonly exchangeRate: string | null
  readonly pricesIncludeTax: boolean
  readonly customer: FakeCustomer
  readonly lines: readonly FakeLine[]
  readonly payment: { readonly dueDate: string; readonly method: 'transfer'; readonly bankAccount: string }
  /** The legal basis of exempt (`ZW`) lines when it is not the one `ZW` stands for; `null` otherwise. */
  readonly exemptionBasis: string | null
  /** On credit notes: the invoice corrected. */
  readonly correction: {
    readonly invoiceId: string
    readonly invoiceNumber: string
    readonly invoiceIssueDate: string
    readonly reason: string
  } | null
  readonly ksef: FakeKsefFields
  readonly createdAt: string
  /** Changes with every change of the document (ISO 8601, UTC, milliseconds). */
  readonly updatedAt: string
}
