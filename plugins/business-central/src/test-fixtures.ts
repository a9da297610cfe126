/**
 * Test support: BC records shaped as API v2.0 answers them (field names and types of the OpenAPI subset in
 * ../shared/connectors/business-central), and pulled documents made of them.
 *
 * @module
 */
import type { SourceDocument } from '@ksef-hub/connector-sdk'
import type { DocumentData } from './document-data.ts'
import { refOf } from './refs.ts'
import type { DocumentKind } from './settings-parts.ts'
import { COMPANY } from './test-context.ts'

type Json = Record<string, unknown>

let counter = 0
/**
 * A fresh GUID-shaped id (deterministic within a run).
 *
 * @example
 * ```ts
 * bcInvoice({ id: nextId() })
 * ```
 */
export function nextId(): string {
  counter++
  return `5d115c9c-44e3-ea11-bb43-${counter.toString(16).padStart(12, '0')}`
}

/**
 * A customer with a Polish NIP (BC's VAT Registration No. with its PL prefix).
 *
 * @example
 * ```ts
 * bcCustomer({ taxRegistrationNumber: '' }) // a customer without a NIP
 * ```
 */
export function bcCustomer(overrides: Json = {}): Json {
  return {
    id: 'c1a2b3c4-0000-4000-8000-000000000001',
    number: 'C00010',
    displayName: 'Adatum sp. z o.o.',
    type: 'Company',
    addressLine1: 'ul. Prosta 1',
    addressLine2: '',
    city: 'Warszawa',
    postalCode: '00-001',
    country: 'PL',
    email: 'ksiegowosc@adatum.example',
    taxRegistrationNumber: 'PL7010002139',
    ...overrides,
  }
}

/**
 * A sales line of an item at 23 %: 2 × 100.00 net.
 *
 * @example
 * ```ts
 * bcLine({ taxCode: 'VAT5' })
 * ```
 */
export function bcLine(overrides: Json = {}): Json {
  return {
    id: nextId(),
    sequence: 10000,
    lineType: 'Item',
    lineObjectNumber: '1896-S',
    description: 'ATHENS Desk',
    description2: '',
    unitOfMeasureCode: 'PCS',
    quantity: 2,
    unitPrice: 100,
    discountAmount: 0,
    discountPercent: 0,
    amountExcludingTax: 200,
    invoiceDiscountAllocation: 0,
    netAmount: 200,
    netAmountIncludingTax: 246,
    amountIncludingTax: 246,
    taxCode: 'VAT23',
    taxPercent: 23,
    ...overrides,
  }
}

/**
 * A posted sales invoice (status Open) with one line and its customer expanded.
 *
 * @example
 * ```ts
 * bcInvoice({ status: 'Draft' })
 * ```
 */
export function bcInvoice(overrides: Json = {}): Json {
  return {
    id: nextId(),
    number: '103001',
    externalDocumentNumber: '',
    invoiceDate: '2026-11-16',
    postingDate: '2026-11-16',
    dueDate: '2026-11-30',
    customerId: 'c1a2b3c4-0000-4000-8000-000000000001',
    customerNumber: 'C00010',
    customerName: 'Adatum sp. z o.o.',
    billToName: 'Adatum sp. z o.o.',
    billToCustomerId: 'c1a2b3c4-0000-4000-8000-000000000001',
    billToCustomerNumber: 'C00010',
    billToAddressLine1: 'ul. Prosta 1',
    billToAddressLine2: '',
    billToCity: 'Warszawa',
    billToCountry: 'PL',
    billToPostCode: '00-001',
    currencyCode: 'PLN',
    pricesIncludeTax: false,
    discountAmount: 0,
    totalAmountExcludingTax: 200,
    totalTaxAmount: 46,
    totalAmountIncludingTax: 246,
    status: 'Open',
    lastModifiedDateTime: '2026-11-16T09:30:00.123Z',
    salesInvoiceLines: [bcLine()],
    customer: bcCustomer(),
    ...overrides,
  }
}

/**
 * A posted sales credit memo of `invoiceId` (one line of one desk back).
 *
 * @example
 * ```ts
 * bcCreditMemo(String(invoice.id))
 * ```
 */
export function bcCreditMemo(invoiceId: string, overrides: Json = {}): Json {
  const { invoiceDate: _, salesInvoiceLines: __, ...invoice } = bcInvoice()
  return {
    ...invoice,
    number: '104001',
    creditMemoDate: '2026-11-18',
    postingDate: '2026-11-18',
    invoiceId,
    invoiceNumber: '103001',
    salesCreditMemoLines: [
      bcLine({ quantity: 1, amountExcludingTax: 100, netAmount: 100, netAmountIncludingTax: 123 }),
    ],
    ...overrides,
  }
}

/**
 * The company's information (the seller), its NIP the tenant's.
 *
 * @example
 * ```ts
 * bcCompanyInformation({ addressLine1: '' }) // a company without an address
 * ```
 */
export function bcCompanyInformation(overrides: Json = {}): Json {
  return {
    id: 'a0b1c2d3-0000-4000-8000-000000000001',
    displayName: 'CRONUS Polska sp. z o.o.',
    addressLine1: 'ul. Marszałkowska 10',
    addressLine2: '',
    city: 'Warszawa',
    postalCode: '00-590',
    country: 'PL',
    taxRegistrationNumber: 'PL5265877635',
    currencyCode: 'PLN',
    ...overrides,
  }
}

/**
 * A pulled document, as the pull makes one of a BC record.
 *
 * @example
 * ```ts
 * const document = pulled('salesInvoices', bcInvoice({ status: 'Draft' }))
 * ```
 */
export function pulled(kind: DocumentKind, record: Json, extra: Partial<DocumentData> = {}): SourceDocument {
  const data = { kind, companyId: COMPANY, document: record, company: bcCompanyInformation(), ...extra }
  return { ref: refOf(COMPANY, kind, String(record.id)), updatedAt: String(record.lastModifiedDateTime), data }
}
