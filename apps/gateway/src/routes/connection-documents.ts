/**
 * A connection's documents: each with its invoice, or why it has none and the fix; and a retry of those that did
 * not become invoices, once the fix is made (a customer's NIP in the source system, a tax code in the connection's
 * table). Everything goes through the pipeline's connection functions.
 *
 * @module
 */
import { createRoute, z } from '@hono/zod-openapi'
import { listSourceDocuments, MAX_RETRY_REFS, retryDocuments } from '@ksef-hub/pipeline'
import type { GatewayApp, RouteDeps } from '../env.ts'
import { validJson } from '../http/body.ts'
import { ConnectionParamSchema, DocumentsQuerySchema, SourceDocumentSchema } from '../http/connection-schemas.ts'
import { problem, withoutZeroByte } from '../http/schemas.ts'
import { limitBody } from '../middleware/body-limit/index.ts'

const security = [{ Bearer: [] }]
const tags = ['Connections']
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

/** Which documents to retry. */
const RetrySchema = z
  .object({
    refs: z
      .array(
        z
          .string()
          .min(1)
          .max(500)
          .refine(...withoutZeroByte),
      )
      .min(1)
      .max(MAX_RETRY_REFS)
      .openapi({
        example: [
          'companies(f64eba74-dacd-4854-a584-1834f68cfc3a)/salesInvoices(5d115c9c-44e3-ea11-bb43-000d3a2feca1)',
        ],
      }),
  })
  .openapi('DocumentRetry')

const documentsRoute = createRoute({
  method: 'get',
  path: '/v1/connections/{id}/documents',
  tags,
  summary: "The connection's documents, newest change first: each with its invoice, or why it has none and the fix",
  security,
  request: { params: ConnectionParamSchema, query: DocumentsQuerySchema },
  responses: {
    200: json(z.object({ documents: z.array(SourceDocumentSchema) }), 'The documents'),
    404: problem('No such connection'),
  },
})
const retryRoute = createRoute({
  method: 'post',
  path: '/v1/connections/{id}/documents/retry',
  tags,
  summary: 'Map documents again after a fix: read again from the source where its connector can, then sent if they map',
  description:
    "For documents that did not become invoices (unmappable, invalid, skipped, refused, waiting). A fix made elsewhere in the source (a customer's NIP changes no posted invoice) is seen because the document is read again; the outcome shows in the documents' list. A document that is already an invoice is refused: retry the invoice.",
  security,
  request: {
    params: ConnectionParamSchema,
    body: { required: true, content: { 'application/json': { schema: RetrySchema } } },
  },
  responses: {
    202: json(z.object({ retried: z.number().int() }), 'The documents wait to be mapped again; a pull is asked for'),
    400: problem('Malformed (which field, why)'),
    404: problem('No such connection, or no such document (named)'),
    409: problem('A document is already an invoice; nothing was changed'),
  },
})

const iso = (value: Date | null) => (value ? value.toISOString() : null)

/**
 * Registers the routes of a connection's documents.
 *
 * @example
 * ```ts
 * registerConnectionDocumentRoutes(app, deps)
 * ```
 */
export function registerConnectionDocumentRoutes(app: GatewayApp, deps: RouteDeps): void {
  const { context } = deps
  app.openapi(documentsRoute, async (c) => {
    const query = c.req.valid('query')
    const documents = await listSourceDocuments(context.db, c.get('caller').tenantId, c.req.valid('param').id, query)
    return c.json(
      {
        documents: documents.map((document) => ({
          ...document,
          retryAt: iso(document.retryAt),
          firstSeenAt: document.firstSeenAt.toISOString(),
          updatedAt: document.updatedAt.toISOString(),
        })),
      },
      200,
    )
  })
  // Documented from the route definition; handled on the raw body with the body limit every route has.
  app.openAPIRegistry.registerPath(retryRoute)
  app.post('/v1/connections/:id/documents/retry', limitBody(deps.options.bodyLimit.other), async (c) => {
    const tenantId = c.get('caller').tenantId
    const { refs } = await validJson(c, RetrySchema)
    const retried = await retryDocuments(context, tenantId, c.req.param('id'), refs, `api:${tenantId}`)
    return c.json({ retried }, 202)
  })
}
