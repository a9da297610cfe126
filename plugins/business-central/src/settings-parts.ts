/**
 * The parts of a Business Central connection's settings: which documents go to KSeF, how they are read, how KSeF's
 * answer goes back, how purchase invoices come in, and BC's rate limits. Every field carries its description (the
 * tenant file's JSON schema is generated from these), and every value the research left unconfirmed (VERIFY) is a
 * setting here rather than a constant in code, so an integrator can correct it without a release.
 *
 * @module
 */

import { pullEveryMinutes } from '@ksef-hub/connector-sdk'
import { VAT_RATES, type VatRate } from '@ksef-hub/fa3'
import { z } from 'zod'

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * A BC id (a GUID, as the API writes it: no braces).
 *
 * @example
 * ```ts
 * guid('The company.').parse('f64eba74-dacd-4854-a584-1834f68cfc3a')
 * ```
 */
export const guid = (description: string) =>
  z.string().regex(GUID, 'must be a GUID such as f64eba74-dacd-4854-a584-1834f68cfc3a').meta({ description })

/** The two kinds of posted sales document the connector sends, as BC's API names their entity sets. */
export const DOCUMENT_KINDS = ['salesInvoices', 'salesCreditMemos'] as const

/** A kind of sales document. */
export type DocumentKind = (typeof DOCUMENT_KINDS)[number]

/** The statuses of BC's sales documents (`Microsoft.NAV.invoiceEntityAggregateStatus` and the credit memos'). */
export const DOCUMENT_STATUSES = [' ', 'Draft', 'In Review', 'Open', 'Paid', 'Canceled', 'Corrective'] as const

/** What BC calls posted: anything but a draft or a document in review (a canceled invoice was posted first). */
export const POSTED_STATUSES = ['Open', 'Paid', 'Canceled', 'Corrective'] as const

/** Where the buyer's NIP may be: a field of the buyer's customer record, or of the sales document itself. */
const nipField = z
  .string()
  .regex(
    /^(customer|document)\.[A-Za-z_][A-Za-z0-9_]*$/,
    'must be customer.<field> or document.<field> (customer.taxRegistrationNumber)',
  )

export const documents = z
  .object({
    kinds: z
      .array(z.enum(DOCUMENT_KINDS))
      .min(1)
      .default([...DOCUMENT_KINDS])
      .meta({ description: 'Which documents go to KSeF: salesInvoices (VAT), salesCreditMemos (KOR).' }),
    statuses: z
      .array(z.enum(DOCUMENT_STATUSES))
      .min(1)
      .default([...POSTED_STATUSES])
      .meta({
        description:
          'The statuses of documents that go to KSeF: the posted ones (Open, Paid, Canceled, Corrective). A draft ' +
          'or a document in review is left out with that reason, and sent once it is posted.',
      }),
    saleDate: z
      .enum(['none', 'postingDate'])
      .default('none')
      .meta({
        description:
          'Where the sale date (P_6) comes from when it differs from the document date: none (API v2.0 exposes no ' +
          'VAT date, so P_6 is left out) or postingDate (when your posting date is the day of supply).',
      }),
  })
  .meta({ description: 'Which BC documents become KSeF invoices.' })

export const buyer = z
  .object({
    nipFields: z
      .array(nipField)
      .min(1)
      .default(['customer.taxRegistrationNumber'])
      .meta({
        description:
          "Where the buyer's NIP is, tried in order (with or without a PL prefix, dashes or spaces): " +
          "customer.<field> of the bill-to customer, document.<field> of the sales document. BC's own field is " +
          'customer.taxRegistrationNumber (VAT Registration No.).',
      }),
    personsWithoutNip: z
      .enum(['error', 'consumer'])
      .default('error')
      .meta({
        description:
          'A Polish customer of type Person without a NIP: error (the document waits for a NIP, BUYER_NIP_MISSING) ' +
          'or consumer (sent as an invoice to a consumer, with no buyer tax id).',
      }),
  })
  .meta({ description: 'Who the buyer is.' })

export const prepayment = z
  .object({
    numberPrefixes: z
      .array(z.string().min(1).max(20))
      .default([])
      .meta({
        description:
          'Number prefixes of posted prepayment invoices (the "Posted Prepmt. Inv. Nos." series). API v2.0 does ' +
          'not say which invoices are prepayments, so the connection does.',
      }),
    accounts: z
      .array(z.string().min(1).max(20))
      .default([])
      .meta({ description: 'G/L accounts of prepayments: an invoice with a line on one of them is a prepayment.' }),
  })
  .meta({
    description:
      'How prepayment invoices are recognised. KSeF needs them as ZAL with the order they pay for, which API v2.0 ' +
      'does not expose: they are refused with that reason (DOCUMENT_TYPE_UNSUPPORTED) and never sent as VAT.',
  })

export const pull = z
  .object({
    everyMinutes: pullEveryMinutes,
    pageSize: z
      .int()
      .min(1)
      .max(20_000)
      .default(100)
      .meta({ description: 'Documents per page (Prefer: odata.maxpagesize); BC answers at most 20,000.' }),
  })
  .meta({ description: 'How changed documents are read.' })

const extensionField = z
  .object({
    apiPath: z
      .string()
      .regex(/^[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+\/v\d+\.\d+$/, 'must be publisher/group/version (contoso/ksef/v1.0)')
      .meta({ description: 'The custom API page: publisher/group/version, as in /api/contoso/ksef/v1.0.' }),
    salesInvoices: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]*$/)
      .default('postedSalesInvoices')
      .meta({ description: "The page's entity set of posted sales invoices (same ids as salesInvoices)." }),
    salesCreditMemos: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]*$/)
      .default('postedSalesCreditMemos')
      .meta({ description: "The page's entity set of posted sales credit memos (same ids as salesCreditMemos)." }),
    field: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]*$/)
      .default('ksefNumber')
      .meta({ description: 'The field that holds the KSeF number.' }),
  })
  .meta({ description: "An extension's field for the KSeF number (PATCH with If-Match), besides the attachments." })

export const writeBack = z
  .object({
    textAttachment: z
      .boolean()
      .default(true)
      .meta({ description: 'Attach KSeF-<number>.txt (number, date, verification link) besides the UPO XML.' }),
    extensionField: extensionField.optional(),
  })
  .meta({ description: "How KSeF's answer goes back: the UPO as an attachment of the posted document, always." })

const rate = z.enum(VAT_RATES as unknown as [VatRate, ...VatRate[]])

export const purchase = z
  .object({
    company: guid('The company purchase invoices go to (default: the first of companies).').optional(),
    glAccount: z
      .string()
      .min(1)
      .max(20)
      .optional()
      .meta({ description: 'The G/L account (No.) of the purchase invoice lines; needed to import.' }),
    taxCodes: z
      .partialRecord(rate, z.string().min(1).max(20))
      .default({})
      .meta({
        description:
          "FA(3) rate -> BC tax code (VAT Prod. Posting Group) of purchase lines, e.g. { '23': VAT23 }; a rate " +
          "not listed leaves the line's tax code to the G/L account's default.",
      }),
    post: z
      .boolean()
      .default(false)
      .meta({ description: 'Post the purchase invoice after creating it (default: leave it for the accountant).' }),
  })
  .meta({ description: 'How purchase invoices received through KSeF become BC purchase invoices.' })

export const limits = z
  .object({
    requestsPerFiveMinutes: z
      .int()
      .min(5)
      .max(1_000_000)
      .default(6_000)
      .meta({ description: "BC's per-user limit: requests in any 5 minutes (6,000 in BC online)." }),
    concurrent: z
      .int()
      .min(1)
      .max(100)
      .default(5)
      .meta({ description: "BC's per-user limit: requests in flight (5 in BC online; more wait in BC's queue)." }),
  })
  .meta({
    description:
      "BC's limits per user (the app's service principal). Connections that share one Entra app share them: give " +
      'each its part.',
  })
