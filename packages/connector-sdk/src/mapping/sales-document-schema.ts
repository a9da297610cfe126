/**
 * The shape of a sales document (what most source systems hold), as a zod schema, so a connector that builds one
 * from data it does not control (the custom connector's JSONata, an ERP's records) learns which field is wrong
 * before FA(3) is composed.
 *
 * @module
 */
import { EU_COUNTRY_CODES } from '@ksef-hub/fa3'
import { z } from 'zod'

const DATE = /^\d{4}-\d{2}-\d{2}$/
// Decimal notation only: decimal.js also reads "0x10" as 16 and "0b11" as 3, which no source means by a quantity.
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

const text = (max: number) => z.string().trim().min(1).max(max)
const date = z.string().regex(DATE, 'must be a date YYYY-MM-DD')
const decimal = z.string().regex(DECIMAL, 'must be a decimal number written as text ("12.50")')

/** A postal address (the country as ISO 3166 alpha-2). */
export const salesAddressSchema = z.object({
  countryCode: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 country code'),
  line1: text(512),
  line2: text(512).optional(),
})

/** One line. */
export const salesLineSchema = z.object({
  name: text(512),
  /** Negative on a correction that takes quantity back. */
  quantity: decimal,
  unit: text(256).optional(),
  /** Price of one unit, net or gross as the document's `prices` says. */
  unitPrice: decimal,
  /** The line's value as the source computed it; quantity × price (rounded to grosze) when absent. */
  amount: decimal.optional(),
  /** The source's tax code, looked up in the connection's tax table. */
  taxCode: text(100),
  /** The product's code in the source (Indeks). */
  sku: text(50).optional(),
})

/** A buyer identified otherwise than by a Polish NIP. */
export const buyerIdentitySchema = z.discriminatedUnion('kind', [
  /** An EU VAT number (intra-EU supply, 0 WDT). */
  z.object({
    kind: z.literal('eu'),
    countryCode: z.enum(EU_COUNTRY_CODES, 'must be the code of an EU member state other than PL (DE, FR, EL, ...)'),
    vatNumber: text(30),
  }),
  /** A tax id of another country. */
  z.object({
    kind: z.literal('foreign'),
    countryCode: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
    taxId: text(50),
  }),
  /** No tax id (a consumer). */
  z.object({ kind: z.literal('none') }),
])

/** The legal basis of a VAT exemption (FA(3) P_19A/B/C). */
export const exemptionSchema = z.object({
  kind: z.enum(['polishLaw', 'directive', 'other']),
  /** The provision, e.g. `art. 43 ust. 1 pkt 37 ustawy o VAT`. */
  basis: text(256),
})

/** The invoice a correction corrects. */
export const correctedDocumentSchema = z.object({
  /** Its id in the same source: the hub looks up what it sent for it. */
  ref: text(500).optional(),
  /** Its number and issue date, when the hub did not send it. */
  number: text(256).optional(),
  issueDate: date.optional(),
  /** Its KSeF number, when it reached KSeF some other way. */
  ksefNumber: text(35).optional(),
  /** It was issued outside KSeF (before the taxpayer's KSeF obligation): the correction says so (NrKSeFN). */
  outsideKsef: z.boolean().optional(),
})

/** A sales document. */
export const salesDocumentSchema = z.object({
  /** `invoice` (VAT) or `correction` (KOR, e.g. a credit note: its lines carry the difference it makes). */
  kind: z.enum(['invoice', 'correction']),
  number: text(256),
  /** The day in Europe/Warsaw. */
  issueDate: date,
  /** The day of supply, when it differs from the issue date. */
  saleDate: date.optional(),
  issuePlace: text(256).optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code'),
  /** PLN per unit of the currency, for other currencies. */
  exchangeRate: decimal.optional(),
  /** Whether unit prices and amounts include VAT (default `net`). */
  prices: z.enum(['net', 'gross']).optional(),
  seller: z.object({ name: text(512), address: salesAddressSchema }),
  buyer: z.object({
    name: text(512),
    /** `[field, value]` pairs where the source may hold the NIP, in order of preference. */
    nipCandidates: z.array(z.tuple([z.string(), z.string().nullish()])).optional(),
    /** For a buyer without a Polish NIP; the NIP candidates are not consulted then. */
    identity: buyerIdentitySchema.optional(),
    address: salesAddressSchema.optional(),
    email: z.string().max(255).optional(),
    /** The customer's number in the source (NrKlienta). */
    customerNumber: text(256).optional(),
  }),
  lines: z.array(salesLineSchema).min(1, 'must have at least one line').max(10_000),
  payment: z
    .object({
      dueDate: date.optional(),
      method: z.enum(['cash', 'card', 'voucher', 'cheque', 'credit', 'transfer', 'mobile']).optional(),
      bankAccount: text(34).optional(),
    })
    .optional(),
  correction: z.object({ reason: text(256).optional(), original: correctedDocumentSchema }).optional(),
  /** The exemption's legal basis, for `zw` lines (else the tax table's entry for their code gives it). */
  exemption: exemptionSchema.optional(),
})

/** A sales document of a source system. */
export type SalesDocument = z.input<typeof salesDocumentSchema>
/** A postal address. */
export type SalesAddress = z.input<typeof salesAddressSchema>
/** One line of a sales document. */
export type SalesLine = z.input<typeof salesLineSchema>
/** The invoice a correction corrects. */
export type CorrectedDocument = z.input<typeof correctedDocumentSchema>
/** A buyer identified otherwise than by a Polish NIP. */
export type BuyerIdentity = z.input<typeof buyerIdentitySchema>
/** The legal basis of a VAT exemption. */
export type Exemption = z.output<typeof exemptionSchema>
