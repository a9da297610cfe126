/**
 * BC's records as the connector reads them (API v2.0, the fields it uses; others pass through untouched). Loose on
 * purpose: BC adds fields between releases, and an extension may add its own (a NIP field the connection names).
 * Numbers arrive as JSON numbers; they are turned into decimal strings before any arithmetic (`decimalText`).
 *
 * @module
 */
import { Decimal } from 'decimal.js'
import { z } from 'zod'

const text = z.string().nullish()
/** A JSON number, or a decimal written as text (as some gateways re-serialize them). */
const number = z.union([z.number(), z.string().regex(/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/)]).nullish()

/**
 * A BC number as a decimal string, never in exponent form (`1e-7` is `0.0000001`).
 *
 * @example
 * ```ts
 * decimalText(12.1) // '12.1'
 * decimalText(undefined) // '0'
 * ```
 */
export function decimalText(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return '0'
  return new Decimal(value).toFixed()
}

/** A line of a sales invoice or credit memo. */
export const salesLineRecord = z.looseObject({
  id: text,
  sequence: z.number().nullish(),
  lineType: text,
  lineObjectNumber: text,
  description: text,
  description2: text,
  unitOfMeasureCode: text,
  quantity: number,
  unitPrice: number,
  discountAmount: number,
  discountPercent: number,
  amountExcludingTax: number,
  invoiceDiscountAllocation: number,
  netAmount: number,
  netAmountIncludingTax: number,
  amountIncludingTax: number,
  taxCode: text,
  taxPercent: number,
})

/** A customer (the buyer). */
export const customerRecord = z.looseObject({
  id: z.string(),
  number: text,
  displayName: text,
  type: text,
  addressLine1: text,
  addressLine2: text,
  city: text,
  postalCode: text,
  country: text,
  email: text,
  taxRegistrationNumber: text,
})

/** A sales invoice or credit memo, with its lines and customer when expanded. */
export const salesDocumentRecord = z.looseObject({
  id: z.string(),
  number: z.string(),
  externalDocumentNumber: text,
  invoiceDate: text,
  creditMemoDate: text,
  postingDate: text,
  dueDate: text,
  customerId: text,
  customerNumber: text,
  customerName: text,
  billToName: text,
  billToCustomerId: text,
  billToCustomerNumber: text,
  billToAddressLine1: text,
  billToAddressLine2: text,
  billToCity: text,
  billToCountry: text,
  billToPostCode: text,
  sellToAddressLine1: text,
  sellToAddressLine2: text,
  sellToCity: text,
  sellToCountry: text,
  sellToPostCode: text,
  currencyCode: text,
  pricesIncludeTax: z.boolean().nullish(),
  status: text,
  lastModifiedDateTime: z.string(),
  invoiceId: text,
  invoiceNumber: text,
  email: text,
  salesInvoiceLines: z.array(salesLineRecord).nullish(),
  salesCreditMemoLines: z.array(salesLineRecord).nullish(),
  customer: customerRecord.nullish(),
})

/** A sales document record. */
export type SalesDocumentRecord = z.output<typeof salesDocumentRecord>
/** A customer record. */
export type CustomerRecord = z.output<typeof customerRecord>
/** A sales line record. */
export type SalesLineRecord = z.output<typeof salesLineRecord>

/** A company (GET companies). */
export const companyRecord = z.looseObject({ id: z.string(), name: text, displayName: text })

/** A company's own data: the seller. */
export const companyInformationRecord = z.looseObject({
  id: text,
  displayName: text,
  addressLine1: text,
  addressLine2: text,
  city: text,
  postalCode: text,
  country: text,
  taxRegistrationNumber: text,
  currencyCode: text,
})

/** A company information record. */
export type CompanyInformationRecord = z.output<typeof companyInformationRecord>

/** An attachment of a document. */
export const documentAttachmentRecord = z.looseObject({
  id: z.string(),
  fileName: text,
  byteSize: z.number().nullish(),
  parentType: text,
  parentId: text,
  '@odata.etag': text,
})

/** A document attachment record. */
export type DocumentAttachmentRecord = z.output<typeof documentAttachmentRecord>

/** A vendor (the seller of a purchase invoice). */
export const vendorRecord = z.looseObject({
  id: z.string(),
  number: text,
  displayName: text,
  taxRegistrationNumber: text,
  blocked: text,
})

/** A vendor record. */
export type VendorRecord = z.output<typeof vendorRecord>

/** A line of a purchase invoice. */
export const purchaseLineRecord = z.looseObject({ id: text, sequence: z.number().nullish(), description: text })

/** A purchase invoice (with its lines when expanded). */
export const purchaseInvoiceRecord = z.looseObject({
  id: z.string(),
  number: text,
  vendorId: text,
  vendorInvoiceNumber: text,
  status: text,
  purchaseInvoiceLines: z.array(purchaseLineRecord).nullish(),
})

/** A purchase invoice record. */
export type PurchaseInvoiceRecord = z.output<typeof purchaseInvoiceRecord>

/** A webhook subscription. */
export const subscriptionRecord = z.looseObject({
  subscriptionId: z.string(),
  notificationUrl: text,
  resource: text,
  clientState: text,
  expirationDateTime: text,
  '@odata.etag': text,
})

/** A subscription record. */
export type SubscriptionRecord = z.output<typeof subscriptionRecord>

/** A currency exchange rate (`currencyExchangeRates`, outside the API subset the research confirmed: VERIFY). */
export const exchangeRateRecord = z.looseObject({
  currencyCode: text,
  startingDate: text,
  exchangeRateAmount: number,
  relationalExchangeRateAmount: number,
})

/** What a listing answers. */
export const listOf = <T extends z.ZodType>(item: T) =>
  z.looseObject({ value: z.array(item), '@odata.nextLink': z.string().nullish() })
