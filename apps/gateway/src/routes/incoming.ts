/**
 * Incoming (purchase) invoices of the caller's tenant: a filtered page, one as parsed JSON, its XML.
 *
 * @module
 */
import { createRoute, z } from '@hono/zod-openapi'
import { incomingInvoiceModel, incomingInvoiceXml, listIncomingInvoices, PipelineError } from '@ksef-hub/pipeline'
import type { GatewayApp, RouteDeps } from '../env.ts'
import { IdParamSchema, IncomingPageSchema, problem } from '../http/schemas.ts'

const security = [{ Bearer: [] }]
const day = z.iso.date()

const listRoute = createRoute({
  method: 'get',
  path: '/v1/incoming',
  tags: ['Incoming'],
  summary: 'Purchase invoices pulled from KSeF, newest first',
  security,
  request: {
    query: z.object({
      sellerNip: z
        .string()
        .regex(/^\d{10}$/)
        .optional(),
      issuedFrom: day.optional(),
      issuedTo: day.optional(),
      limit: z.coerce.number().int().min(1).max(500).optional(),
      cursor: z.string().max(500).optional(),
    }),
  },
  responses: {
    200: { description: 'A page', content: { 'application/json': { schema: IncomingPageSchema } } },
    400: problem('Bad filter'),
  },
})

const getRoute = createRoute({
  method: 'get',
  path: '/v1/incoming/{id}',
  tags: ['Incoming'],
  summary: 'One purchase invoice as parsed JSON (the canonical model) with KSeF metadata',
  security,
  request: { params: IdParamSchema },
  responses: {
    200: {
      description: 'The invoice',
      content: {
        'application/json': {
          schema: z.object({
            model: z.record(z.string(), z.unknown()).nullable(),
            metadata: z.record(z.string(), z.unknown()),
          }),
        },
      },
    },
    404: problem('No such invoice (or not yours)'),
  },
})

const xmlRoute = createRoute({
  method: 'get',
  path: '/v1/incoming/{id}/xml',
  tags: ['Incoming'],
  summary: 'The XML of a purchase invoice exactly as KSeF gave it',
  security,
  request: { params: IdParamSchema },
  responses: {
    200: { description: 'FA(3) XML', content: { 'application/xml': { schema: z.string() } } },
    404: problem('No such invoice, or not downloaded yet'),
  },
})

/**
 * Registers the incoming-invoice routes.
 *
 * @example
 * ```ts
 * registerIncomingRoutes(app, deps)
 * ```
 */
export function registerIncomingRoutes(app: GatewayApp, deps: RouteDeps): void {
  const { db } = deps.context
  app.openapi(listRoute, async (c) =>
    c.json(await listIncomingInvoices(db, c.get('caller').tenantId, c.req.valid('query')), 200),
  )
  app.openapi(getRoute, async (c) =>
    c.json(await incomingInvoiceModel(db, c.get('caller').tenantId, c.req.valid('param').id), 200),
  )
  app.openapi(xmlRoute, async (c) => {
    const { id } = c.req.valid('param')
    const xml = await incomingInvoiceXml(db, c.get('caller').tenantId, id)
    if (!xml) throw new PipelineError('NOT_FOUND', `the XML of incoming invoice ${id} is not downloaded yet`)
    return c.body(xml as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/xml; charset=utf-8' })
  })
}
