/**
 * Reading invoices: one (with its history), a filtered page, its exact XML, its UPO and its QR code link. Every
 * read is scoped to the caller's tenant; another tenant's invoice answers 404 as if it did not exist.
 *
 * @module
 */
import { createRoute, z } from '@hono/zod-openapi'
import {
  getInvoice,
  INVOICE_STATES,
  invoiceHistory,
  invoiceQrCodes,
  invoiceUpo,
  invoiceXml,
  listInvoices,
  PipelineError,
} from '@ksef-hub/pipeline'
import type { GatewayApp, RouteDeps } from '../env.ts'
import {
  ACCOUNTANT_STATUSES,
  IdParamSchema,
  InvoiceDetailSchema,
  InvoicePageSchema,
  problem,
  QrSchema,
} from '../http/schemas.ts'

const security = [{ Bearer: [] }]
const notFound = problem('No such invoice (or not yours)')

const getRoute = createRoute({
  method: 'get',
  path: '/v1/invoices/{id}',
  tags: ['Invoices'],
  summary: 'One invoice, with its status, KSeF number and history',
  security,
  request: { params: IdParamSchema },
  responses: {
    200: { description: 'The invoice', content: { 'application/json': { schema: InvoiceDetailSchema } } },
    401: problem('No or unknown API key'),
    404: notFound,
  },
})

const ListQuerySchema = z.object({
  status: z.enum(ACCOUNTANT_STATUSES).optional(),
  state: z.enum(INVOICE_STATES).optional(),
  number: z.string().max(256).optional(),
  ksefNumber: z.string().max(64).optional(),
  from: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Created at or after (ISO 8601)' }),
  to: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Created before (ISO 8601)' }),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().max(500).optional().openapi({ description: 'The nextCursor of the previous page' }),
})

const listRoute = createRoute({
  method: 'get',
  path: '/v1/invoices',
  tags: ['Invoices'],
  summary: 'List invoices, newest first, with filters and cursor paging',
  security,
  request: { query: ListQuerySchema },
  responses: {
    200: { description: 'A page', content: { 'application/json': { schema: InvoicePageSchema } } },
    400: problem('Bad filter'),
    401: problem('No or unknown API key'),
  },
})

const xmlRoute = createRoute({
  method: 'get',
  path: '/v1/invoices/{id}/xml',
  tags: ['Invoices'],
  summary: 'The exact FA(3) XML sent (or to be sent) to KSeF',
  security,
  request: { params: IdParamSchema },
  responses: {
    200: { description: 'FA(3) XML', content: { 'application/xml': { schema: z.string() } } },
    404: problem('No such invoice, or its XML is not built yet'),
  },
})

const upoRoute = createRoute({
  method: 'get',
  path: '/v1/invoices/{id}/upo',
  tags: ['Invoices'],
  summary: 'The UPO (official receipt) exactly as KSeF issued it',
  security,
  request: { params: IdParamSchema },
  responses: {
    200: { description: 'UPO XML', content: { 'application/xml': { schema: z.string() } } },
    404: problem('No such invoice, or no UPO yet'),
  },
})

const qrRoute = createRoute({
  method: 'get',
  path: '/v1/invoices/{id}/qr',
  tags: ['Invoices'],
  summary: 'The QR code link (KOD I) to print on the invoice',
  security,
  request: { params: IdParamSchema },
  responses: {
    200: { description: 'QR links', content: { 'application/json': { schema: QrSchema } } },
    404: notFound,
  },
})

const xmlHeaders = { 'content-type': 'application/xml; charset=utf-8' }

/**
 * Registers the invoice read routes.
 *
 * @example
 * ```ts
 * registerReadRoutes(app, deps)
 * ```
 */
export function registerReadRoutes(app: GatewayApp, deps: RouteDeps): void {
  const { db } = deps.context

  app.openapi(listRoute, async (c) => {
    const { from, to, ...query } = c.req.valid('query')
    const page = await listInvoices(db, c.get('caller').tenantId, {
      ...query,
      ...(from ? { from: new Date(from) } : {}),
      ...(to ? { to: new Date(to) } : {}),
    })
    return c.json(page, 200)
  })

  app.openapi(getRoute, async (c) => {
    const { id } = c.req.valid('param')
    const tenantId = c.get('caller').tenantId
    const invoice = await getInvoice(db, tenantId, id)
    const history = await invoiceHistory(db, tenantId, id)
    const base = `/v1/invoices/${id}`
    return c.json({ ...invoice, history, links: { xml: `${base}/xml`, upo: `${base}/upo`, qr: `${base}/qr` } }, 200)
  })

  app.openapi(xmlRoute, async (c) => {
    const { id } = c.req.valid('param')
    const xml = await invoiceXml(db, c.get('caller').tenantId, id)
    if (!xml)
      throw new PipelineError(
        'NOT_FOUND',
        `the XML of invoice ${id} is not built yet (the worker builds it before sending)`,
      )
    return c.body(xml as Uint8Array<ArrayBuffer>, 200, xmlHeaders)
  })

  app.openapi(upoRoute, async (c) => {
    const { id } = c.req.valid('param')
    const upo = await invoiceUpo(db, c.get('caller').tenantId, id)
    if (!upo) throw new PipelineError('NOT_FOUND', `invoice ${id} has no UPO yet`)
    return c.body(upo as Uint8Array<ArrayBuffer>, 200, xmlHeaders)
  })

  app.openapi(qrRoute, async (c) =>
    c.json(await invoiceQrCodes(deps.context, c.get('caller').tenantId, c.req.valid('param').id), 200),
  )
}
