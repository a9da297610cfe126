/**
 * The shapes of the API, as zod schemas that also document it (OpenAPI 3.1 is generated from them).
 *
 * @module
 */
import { z } from '@hono/zod-openapi'
import { invoiceSchema } from '@ksef-hub/fa3'
import { EVENT_TYPES, INVOICE_STATES } from '@ksef-hub/pipeline'

/** RFC 9457 problem details, with a stable `code` and the `field` at fault. */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'https://ksef-hub.dev/problems/invoice-invalid' }),
    title: z.string().openapi({ example: 'Unprocessable Content' }),
    status: z.number().int().openapi({ example: 422 }),
    detail: z.string().openapi({ example: 'the invoice is invalid: details.issueDate is required' }),
    code: z.string().openapi({ example: 'INVOICE_INVALID' }),
    field: z.string().optional().openapi({ example: 'details.issueDate' }),
    issues: z.array(z.record(z.string(), z.unknown())).optional(),
    requestId: z.string().optional(),
  })
  .openapi('Problem')

/** A problem response for a status. */
export const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
})

/** PostgreSQL's text cannot hold U+0000: text with one is refused, naming the field, before the database sees it. */
export const withoutZeroByte = [
  (value: string) => !value.includes('\u0000'),
  { message: 'must not contain U+0000 (a zero byte)' },
] as const

/** The four words accountants read. */
export const ACCOUNTANT_STATUSES = ['sent', 'awaiting_confirmation', 'confirmed', 'rejected'] as const

/** The canonical JSON invoice model (packages/fa3). */
export const InvoiceModelSchema = invoiceSchema

/** A submission with its source reference. */
export const SubmitEnvelopeSchema = z
  .object({
    invoice: InvoiceModelSchema,
    sourceRef: z.string().min(1).max(200).optional().openapi({
      description: "The document's id in your system; KSeF's duplicate key (NIP|type|number) when absent.",
    }),
  })
  .openapi('SubmitEnvelope')

/** One validation finding (fa3). */
export const IssueSchema = z.object({
  code: z.string(),
  severity: z.string(),
  message: z.string(),
  path: z.string().nullish(),
  xmlPath: z.string().nullish(),
  line: z.number().nullish(),
})

/** The answer to a submission. */
export const SubmitOutcomeSchema = z
  .object({
    id: z.uuid(),
    state: z.enum(INVOICE_STATES),
    status: z.enum(ACCOUNTANT_STATUSES),
    created: z
      .boolean()
      .openapi({ description: '`false` when the same document was stored before: this is its record.' }),
    warnings: z.array(IssueSchema),
  })
  .openapi('SubmitOutcome')

/** A bulk submission. */
export const BulkRequestSchema = z
  .object({
    invoices: z
      .array(
        z.object({
          invoice: z.unknown().openapi({ description: 'An Invoice (see the Invoice schema).' }),
          sourceRef: z.string().min(1).max(200).optional(),
        }),
      )
      .min(1)
      .max(5000),
  })
  .openapi('BulkRequest')

/** What became of one item of a bulk submission. */
export const BulkResultSchema = z
  .object({
    index: z.number().int(),
    ok: z.boolean(),
    id: z.uuid().optional(),
    state: z.enum(INVOICE_STATES).optional(),
    status: z.enum(ACCOUNTANT_STATUSES).optional(),
    created: z.boolean().optional(),
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }).optional(),
  })
  .openapi('BulkResult')

/** The answer to a bulk submission. */
export const BulkResponseSchema = z
  .object({
    accepted: z.number().int(),
    failed: z.number().int(),
    results: z.array(BulkResultSchema),
  })
  .openapi('BulkResponse')

const Label = z.object({ pl: z.string(), en: z.string() })

/** An invoice as the API shows it. */
export const InvoiceViewSchema = z
  .object({
    id: z.uuid(),
    source: z.string(),
    sourceRef: z.string(),
    number: z.string(),
    type: z.string(),
    issueDate: z.string(),
    sellerNip: z.string(),
    grossAmount: z.string(),
    currency: z.string(),
    status: z.enum(ACCOUNTANT_STATUSES).openapi({ description: 'In accountants’ words.' }),
    statusLabel: Label,
    state: z.enum(INVOICE_STATES).openapi({ description: 'The technical state.' }),
    offline: z.boolean(),
    ksefNumber: z.string().nullable(),
    ksefSessionReference: z.string().nullable(),
    ksefInvoiceReference: z.string().nullable(),
    acquisitionDate: z.string().nullable(),
    upo: z.enum(['stored', 'pending', 'none']),
    rejection: z.object({ code: z.number().nullable(), reason: Label, details: z.unknown() }).nullable(),
    warnings: z.array(z.unknown()),
    writeBack: z
      .object({ state: z.enum(['pending', 'done', 'failed', 'none', 'parked']), error: z.string().nullable() })
      .openapi({
        description:
          'KSeF’s answer handed back to the source system: `parked` while its connection waits for re-authorization, `failed` with the reason.',
      }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('InvoiceView')

/** One entry of an invoice's history. */
export const HistoryEntrySchema = z.object({
  at: z.string(),
  kind: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  actor: z.string(),
  details: z.record(z.string(), z.unknown()),
})

/** One invoice with its history and links. */
export const InvoiceDetailSchema = InvoiceViewSchema.extend({
  history: z.array(HistoryEntrySchema),
  links: z.object({ xml: z.string(), upo: z.string(), qr: z.string() }),
}).openapi('InvoiceDetail')

/** A page of invoices. */
export const InvoicePageSchema = z
  .object({ invoices: z.array(InvoiceViewSchema), nextCursor: z.string().nullable() })
  .openapi('InvoicePage')

/** The QR code links of an invoice. */
export const QrSchema = z
  .object({
    invoice: z.object({ url: z.string(), label: z.string() }).nullable().openapi({
      description:
        'KOD I: the verification link and the label printed under it (the KSeF number, or OFFLINE); null until the XML exists.',
    }),
    certificate: z
      .object({ url: z.string(), label: z.literal('CERTYFIKAT') })
      .nullable()
      .openapi({ description: 'KOD II (invoices issued offline): the verification of the issuer certificate.' }),
  })
  .openapi('QrCodes')

/** A purchase invoice as the API shows it. */
export const IncomingViewSchema = z
  .object({
    id: z.uuid(),
    ksefNumber: z.string(),
    sellerNip: z.string(),
    sellerName: z.string().nullable(),
    number: z.string(),
    type: z.string(),
    issueDate: z.string(),
    currency: z.string(),
    netAmount: z.string().nullable(),
    vatAmount: z.string().nullable(),
    grossAmount: z.string().nullable(),
    acquisitionDate: z.string().nullable(),
    receivedAt: z.string(),
    hasXml: z.boolean(),
  })
  .openapi('IncomingInvoice')

/** A page of purchase invoices. */
export const IncomingPageSchema = z
  .object({ invoices: z.array(IncomingViewSchema), nextCursor: z.string().nullable() })
  .openapi('IncomingPage')

/** A webhook subscription (never its secret). */
export const WebhookSubscriptionSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    events: z.array(z.enum(EVENT_TYPES)),
    description: z.string().nullable(),
    createdAt: z.string(),
    enabled: z.boolean(),
  })
  .openapi('WebhookSubscription')

/** One attempt of the delivery log. */
export const DeliverySchema = z
  .object({
    id: z.string(),
    eventId: z.uuid(),
    eventType: z.string(),
    subscriptionId: z.uuid(),
    attempt: z.number().int(),
    outcome: z.enum(['succeeded', 'failed']),
    responseStatus: z.number().int().nullable(),
    error: z.string().nullable(),
    durationMs: z.number().int(),
    at: z.string(),
  })
  .openapi('WebhookDelivery')

/** A reconciliation report. */
export const ReconciliationSchema = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    createdAt: z.string(),
    rangeFrom: z.string(),
    rangeTo: z.string(),
    summary: z.record(z.string(), z.number()),
    findings: z.array(z.record(z.string(), z.unknown())),
  })
  .openapi('ReconciliationReport')

/** The caller's tenant (never its secrets). */
export const TenantViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    nip: z.string(),
    environment: z.enum(['test', 'demo', 'prod']),
    ksefBaseUrl: z.string().nullable(),
    settings: z.record(z.string(), z.unknown()),
    credentials: z
      .enum(['token', 'certificate', 'none'])
      .openapi({ description: 'Which kind is stored; never the credentials.' }),
    connectors: z
      .array(
        z.object({
          name: z.string(),
          connector: z.string(),
          enabled: z.boolean(),
          status: z.enum(['active', 'needs_reauth']),
        }),
      )
      .openapi({ description: 'Your connections in short; `GET /v1/connections` has them in full.' }),
  })
  .openapi('Tenant')

/** The `{id}` path parameter. */
export const IdParamSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'id', in: 'path' }, example: '0f6f5a0e-8f43-4a5e-9d7e-6c8f0b6b7c11' }),
})

/** The Idempotency-Key header, documented on the routes that honour it. */
export const IdempotencyHeaderSchema = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({ description: 'Makes a retry safe: the same key and request replay the first response (24 h).' }),
})
