/**
 * What a pulled document holds (`SourceDocument.data`): the BC record with its lines and customer, and the related
 * records the mapping needs, fetched during the pull so that `map` is a function of the data, the settings and the
 * hub's records (the seller's company information, a bill-to customer other than the sell-to one, the invoice a
 * credit memo corrects, the exchange rate of a foreign currency).
 *
 * @module
 */
import { z } from 'zod'
import { companyInformationRecord, customerRecord, salesDocumentRecord } from './records.ts'
import { DOCUMENT_KINDS } from './settings-parts.ts'

/** The invoice a credit memo corrects, as BC holds it. */
export const originalRecord = z.looseObject({
  id: z.string(),
  number: z.string().nullish(),
  invoiceDate: z.string().nullish(),
  postingDate: z.string().nullish(),
  status: z.string().nullish(),
})

/** A pulled document. */
export const documentData = z.object({
  kind: z.enum(DOCUMENT_KINDS),
  companyId: z.string(),
  document: salesDocumentRecord,
  /** The company's own data (the seller); `null` when BC gave none. */
  company: companyInformationRecord.nullable(),
  /** The bill-to customer, when it is another than the expanded (sell-to) customer. */
  billToCustomer: customerRecord.nullish(),
  /** The corrected invoice of a credit memo (`null`: BC has it no more). */
  original: originalRecord.nullish(),
  /** PLN per unit of a foreign currency, as a decimal string (`null`: BC has none for the day). */
  exchangeRate: z.string().nullish(),
})

/** A pulled document's data. */
export type DocumentData = z.output<typeof documentData>
