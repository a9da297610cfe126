/**
 * Submitting invoices: one (canonical JSON or FA(3) XML) or many in one request (bulk). The single path checks
 * the model structurally by default and leaves the XSD and business rules to the worker before sending
 * (`?validation=full` runs them now, ~2 ms of CPU per invoice, and answers every finding at once).
 *
 * @module
 */
import { createRoute, z } from '@hono/zod-openapi'
import {
  BULK_MAX_ITEMS,
  type BulkItem,
  type SubmitRequest,
  sourceRefProblem,
  submitInvoice,
  submitInvoicesBulk,
} from '@ksef-hub/pipeline'
import type { Context } from 'hono'
import type { AppEnv, GatewayApp, RouteDeps } from '../env.ts'
import { bodyBytes, isJson, isXml, jsonBody, mediaType, requestInvalid } from '../http/body.ts'
import { GatewayError } from '../http/problem.ts'
import {
  BulkRequestSchema,
  BulkResponseSchema,
  IdempotencyHeaderSchema,
  InvoiceModelSchema,
  problem,
  SubmitEnvelopeSchema,
  SubmitOutcomeSchema,
} from '../http/schemas.ts'
import { idempotent } from '../middleware/idempotency/index.ts'

const SubmitQuerySchema = z.object({
  validation: z.enum(['structural', 'full']).optional().openapi({
    description:
      '`structural` (default): the model now, XSD and business rules by the worker before sending. `full`: everything now.',
  }),
  sourceRef: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: 'For XML bodies: the document id in your system.' }),
})

/** `POST /v1/invoices`, documented (handled on the raw body). */
export const submitRoute = createRoute({
  method: 'post',
  path: '/v1/invoices',
  tags: ['Invoices'],
  summary: 'Submit an invoice',
  description:
    'Stores the invoice and queues it for KSeF, both or neither. Send the canonical JSON model (optionally wrapped as `{ "invoice": ..., "sourceRef": ... }`) or the FA(3) XML with `Content-Type: application/xml`. The same document submitted again answers with its first record (`created: false`).',
  security: [{ Bearer: [] }],
  request: {
    query: SubmitQuerySchema,
    headers: IdempotencyHeaderSchema,
    body: {
      required: true,
      content: {
        'application/json': { schema: z.union([InvoiceModelSchema, SubmitEnvelopeSchema]) },
        'application/xml': { schema: z.string().openapi({ description: 'FA(3) XML, UTF-8 without BOM' }) },
      },
    },
  },
  responses: {
    201: { description: 'Stored and queued', content: { 'application/json': { schema: SubmitOutcomeSchema } } },
    200: {
      description: 'The same document was stored before',
      content: { 'application/json': { schema: SubmitOutcomeSchema } },
    },
    400: problem('Malformed body or parameters'),
    401: problem('No or unknown API key'),
    409: problem('Duplicate invoice number, changed content of a document in flight, or Idempotency-Key in use'),
    413: problem('Body too large'),
    415: problem('Neither JSON nor XML'),
    422: problem('Invalid invoice (every finding in `issues`), wrong seller NIP, or Idempotency-Key reused'),
    429: problem('Rate limit'),
  },
})

/** `POST /v1/invoices/bulk`, documented (handled on the raw body). */
export const bulkRoute = createRoute({
  method: 'post',
  path: '/v1/invoices/bulk',
  tags: ['Invoices'],
  summary: 'Submit many invoices',
  description: `Up to ${BULK_MAX_ITEMS} invoices, stored and queued for KSeF together or not at all, each checked structurally and stored in state \`received\` (the worker runs the full checks before sending). Every item has its own result; one bad invoice does not sink the others.`,
  security: [{ Bearer: [] }],
  request: {
    headers: IdempotencyHeaderSchema,
    body: { required: true, content: { 'application/json': { schema: BulkRequestSchema } } },
  },
  responses: {
    200: {
      description: 'One result per item, in order',
      content: { 'application/json': { schema: BulkResponseSchema } },
    },
    400: problem('Malformed body'),
    401: problem('No or unknown API key'),
    413: problem('Body too large'),
    429: problem('Rate limit'),
  },
})

function validationOf(c: Context<AppEnv>, fallback: 'structural' | 'full'): 'structural' | 'full' {
  const value = c.req.query('validation')
  if (value === undefined) return fallback
  if (value !== 'structural' && value !== 'full') {
    throw new GatewayError(400, 'REQUEST_INVALID', 'validation must be structural or full', {
      field: 'query.validation',
    })
  }
  return value
}

function sourceRefOf(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined
  const problem = sourceRefProblem(value)
  if (problem) throw new GatewayError(400, 'REQUEST_INVALID', `${field} ${problem}`, { field })
  return value as string
}

// What a bulk request must be as a whole; each item is checked on its own by intake, so that a bad item (its
// shape, its sourceRef, its invoice) fails alone with its own result.
const BulkEnvelopeSchema = z.object({ invoices: z.array(z.unknown()).min(1).max(BULK_MAX_ITEMS) })

/**
 * What a request asks to submit, from its body (shared by submit and retry).
 *
 * @example
 * ```ts
 * const request = await submissionOf(c)
 * ```
 */
export async function submissionOf(
  c: Context<AppEnv>,
): Promise<Pick<SubmitRequest, 'invoice' | 'format' | 'sourceRef'>> {
  const type = mediaType(c)
  if (isXml(type)) {
    const sourceRef = sourceRefOf(c.req.query('sourceRef'), 'query.sourceRef')
    return { invoice: await bodyBytes(c), format: 'xml', ...(sourceRef ? { sourceRef } : {}) }
  }
  if (!isJson(type)) {
    throw new GatewayError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `send application/json or application/xml, not ${type || 'no Content-Type'}`,
      {
        field: 'header.content-type',
      },
    )
  }
  const body = await jsonBody(c)
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError(
      400,
      'REQUEST_INVALID',
      'the body must be an invoice object (for many invoices use /v1/invoices/bulk)',
      {
        field: 'body',
      },
    )
  }
  if ('invoice' in body) {
    const envelope = body as { invoice: unknown; sourceRef?: unknown }
    const sourceRef = sourceRefOf(envelope.sourceRef, 'sourceRef')
    return { invoice: envelope.invoice, format: 'json', ...(sourceRef ? { sourceRef } : {}) }
  }
  return { invoice: body, format: 'json' }
}

/**
 * Registers the submit routes.
 *
 * @example
 * ```ts
 * registerSubmitRoutes(app, deps)
 * ```
 */
export function registerSubmitRoutes(app: GatewayApp, deps: RouteDeps): void {
  const { context, options, metrics } = deps
  // Documented from the route definitions; handled on the raw body (exact XML bytes, one JSON parse, no double
  // validation: intake validates the model itself).
  app.openAPIRegistry.registerPath(submitRoute)
  app.openAPIRegistry.registerPath(bulkRoute)

  app.post('/v1/invoices', idempotent(context), async (c) => {
    const validation = validationOf(c, options.validation)
    const tenantId = c.get('caller').tenantId
    let outcome: Awaited<ReturnType<typeof submitInvoice>>
    try {
      const submission = await submissionOf(c)
      const actor = `api:${tenantId}`
      // The hot path (structural JSON) is group-committed; XML and full validation go through intake as is.
      outcome =
        submission.format === 'json' && validation === 'structural'
          ? await deps.batcher.submit({
              tenantId,
              invoice: submission.invoice,
              ...(submission.sourceRef !== undefined ? { sourceRef: submission.sourceRef } : {}),
              source: 'api',
              actor,
            })
          : await submitInvoice(
              context,
              { ...submission, tenantId, validation, source: 'api', actor },
              // Parsing XML and full validation are the costly checks: on a pool thread, tenants in turn.
              { prepared: await deps.intake.prepare(tenantId, { ...submission, validation }, context.now()) },
            )
    } catch (error) {
      metrics.invoices.inc({ mode: 'single', outcome: 'failed' })
      throw error
    }
    metrics.invoices.inc({ mode: 'single', outcome: outcome.created ? 'created' : 'existing' })
    c.header('location', `/v1/invoices/${outcome.id}`)
    return c.json(outcome, outcome.created ? 201 : 200)
  })

  app.post('/v1/invoices/bulk', idempotent(context), async (c) => {
    const parsed = BulkEnvelopeSchema.safeParse(await jsonBody(c))
    if (!parsed.success) throw requestInvalid(parsed.error)
    const tenantId = c.get('caller').tenantId
    const results = await submitInvoicesBulk(context, {
      tenantId,
      items: parsed.data.invoices as BulkItem[],
      source: 'api',
      actor: `api:${tenantId}`,
    })
    let accepted = 0
    let created = 0
    for (const result of results) {
      if (result.ok) {
        accepted++
        if (result.created) created++
      }
    }
    metrics.invoices.inc({ mode: 'bulk', outcome: 'created' }, created)
    metrics.invoices.inc({ mode: 'bulk', outcome: 'existing' }, accepted - created)
    metrics.invoices.inc({ mode: 'bulk', outcome: 'failed' }, results.length - accepted)
    return c.json({ accepted, failed: results.length - accepted, results }, 200)
  })
}
