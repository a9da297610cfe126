/**
 * Acting on invoices: retry a rejected invoice with corrected content, replay dead-lettered ones, trigger a
 * reconciliation with KSeF and read its latest report.
 *
 * @module
 */
import { createRoute, z } from '@hono/zod-openapi'
import {
  getInvoice,
  latestReconciliation,
  PipelineError,
  replayDeadInvoices,
  requestReconciliation,
  submitInvoice,
} from '@ksef-hub/pipeline'
import type { GatewayApp, RouteDeps } from '../env.ts'
import { validJson } from '../http/body.ts'
import { GatewayError } from '../http/problem.ts'
import {
  IdempotencyHeaderSchema,
  IdParamSchema,
  InvoiceModelSchema,
  problem,
  ReconciliationSchema,
  SubmitOutcomeSchema,
} from '../http/schemas.ts'
import { idempotent } from '../middleware/idempotency/index.ts'
import { submissionOf } from './invoices-submit.ts'

const security = [{ Bearer: [] }]

const retryRoute = createRoute({
  method: 'post',
  path: '/v1/invoices/{id}/retry',
  tags: ['Act'],
  summary: 'Send a rejected invoice again, with corrected content',
  description:
    'The body is the corrected invoice (JSON or FA(3) XML, as for submission). The invoice keeps its id and goes back in line; unchanged content is refused.',
  security,
  request: {
    params: IdParamSchema,
    headers: IdempotencyHeaderSchema,
    body: {
      required: true,
      content: {
        'application/json': { schema: InvoiceModelSchema },
        'application/xml': { schema: z.string() },
      },
    },
  },
  responses: {
    200: { description: 'Back in line', content: { 'application/json': { schema: SubmitOutcomeSchema } } },
    404: problem('No such invoice'),
    409: problem('The invoice is not rejected'),
    422: problem('Invalid or unchanged invoice'),
  },
})

const ReplayBodySchema = z
  .object({
    ids: z.array(z.uuid()).max(10_000).optional().openapi({ description: 'Only these; all dead ones when absent.' }),
  })
  .openapi('ReplayRequest')

const replayRoute = createRoute({
  method: 'post',
  path: '/v1/invoices/replay-dead',
  tags: ['Act'],
  summary: 'Replay dead-lettered invoices (state dead) after the cause is fixed',
  security,
  request: { body: { required: false, content: { 'application/json': { schema: ReplayBodySchema } } } },
  responses: {
    200: {
      description: 'What was put back in line',
      content: {
        'application/json': {
          schema: z.object({
            replayed: z.array(z.uuid()).openapi({ description: 'Invoices put back in line' }),
            jobs: z.number().int().openapi({
              description: 'Dead-lettered jobs of other steps (bulk fan-outs, UPO, write-back, webhooks) run again',
            }),
          }),
        },
      },
    },
    400: problem('Malformed body'),
    404: problem('None of the given invoices is dead-lettered'),
    413: problem('Body too large'),
  },
})

const reconcileRoute = createRoute({
  method: 'post',
  path: '/v1/reconciliations',
  tags: ['Act'],
  summary: "Reconcile the hub's records with KSeF now",
  security,
  responses: {
    202: {
      description: 'Queued (jobId null: one is already waiting)',
      content: { 'application/json': { schema: z.object({ jobId: z.string().nullable() }) } },
    },
  },
})

const reportRoute = createRoute({
  method: 'get',
  path: '/v1/reconciliations/latest',
  tags: ['Act'],
  summary: 'The latest reconciliation report',
  security,
  responses: {
    200: { description: 'The report', content: { 'application/json': { schema: ReconciliationSchema } } },
    404: problem('No reconciliation has run yet'),
  },
})

/**
 * Registers the act routes.
 *
 * @example
 * ```ts
 * registerActRoutes(app, deps)
 * ```
 */
export function registerActRoutes(app: GatewayApp, deps: RouteDeps): void {
  const { context, options } = deps
  app.openAPIRegistry.registerPath(retryRoute)
  app.post('/v1/invoices/:id/retry', idempotent(context), async (c) => {
    const tenantId = c.get('caller').tenantId
    const current = await getInvoice(context.db, tenantId, c.req.param('id'))
    if (current.state !== 'rejected') {
      throw new PipelineError(
        'ILLEGAL_TRANSITION',
        `invoice ${current.id} is ${current.state}; only a rejected invoice can be retried`,
        {
          state: current.state,
        },
      )
    }
    const submission = await submissionOf(c)
    const validation = c.req.query('validation') === 'full' ? 'full' : options.validation
    const prepared = await deps.intake.prepare(tenantId, { ...submission, validation }, context.now())
    const outcome = await submitInvoice(
      context,
      {
        ...submission,
        tenantId,
        // Same source and reference: intake recognises the document and puts the same record back in line.
        source: current.source,
        sourceRef: current.sourceRef,
        validation,
        actor: `api:${tenantId}`,
      },
      { prepared },
    )
    if (outcome.id !== current.id) {
      throw new GatewayError(422, 'REQUEST_INVALID', 'the corrected invoice must keep its seller, type and number', {
        field: 'details.number',
      })
    }
    if (outcome.state === 'rejected') {
      throw new GatewayError(
        422,
        'INVOICE_UNCHANGED',
        'the content is the same as the rejected invoice; correct it first',
      )
    }
    return c.json(outcome, 200)
  })

  // Documented from the route definition; handled on the raw body, read whatever its framing: a chunked body has
  // no Content-Length, and taking that for "no body" replayed every dead invoice instead of the ones asked for.
  app.openAPIRegistry.registerPath(replayRoute)
  app.post('/v1/invoices/replay-dead', async (c) => {
    const { ids } = await validJson(c, ReplayBodySchema, { emptyAsObject: true })
    return c.json(await replayDeadInvoices(context, c.get('caller').tenantId, ids), 200)
  })

  app.openapi(reconcileRoute, async (c) => c.json(await requestReconciliation(context, c.get('caller').tenantId), 202))

  app.openapi(reportRoute, async (c) => {
    const report = await latestReconciliation(context, c.get('caller').tenantId)
    if (!report) throw new PipelineError('NOT_FOUND', 'no reconciliation has run for this tenant yet')
    return c.json({ ...report, summary: { ...report.summary }, findings: [...report.findings] }, 200)
  })
}
