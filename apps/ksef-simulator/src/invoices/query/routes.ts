/**
 * `POST /invoices/query/metadata`: pages of `InvoiceMetadata` (pageOffset/pageSize), at most 10,000 records per
 * filter set (`isTruncated`), with the permanent-storage high-water mark.
 *
 * @module
 */
import { Hono } from 'hono'
import { requireAccess, requirePermission } from '../../auth/bearer.ts'
import { ApiError } from '../../errors/index.ts'
import type { SimulatorEnv } from '../../http/env.ts'
import { jsonBody, queryInt } from '../../http/request.ts'
import { type InvoiceQueryFilters, queryInvoices } from './filters.ts'

/**
 * The metadata query route.
 *
 * @example
 * ```ts
 * v2.route('/', queryRoutes())
 * ```
 */
export function queryRoutes(): Hono<SimulatorEnv> {
  const app = new Hono<SimulatorEnv>()
  app.post('/invoices/query/metadata', requireAccess, async (c) => {
    const sim = c.var.sim
    requirePermission(c.var.access, ['InvoiceRead'])
    const sortOrder = c.req.query('sortOrder') ?? 'Asc'
    if (sortOrder !== 'Asc' && sortOrder !== 'Desc')
      throw ApiError.badRequest(21405, 'sortOrder: dozwolone wartości Asc, Desc.')
    const pageOffset = queryInt(c, 'pageOffset', { min: 0, max: 2 ** 31 - 1, fallback: 0 })
    const pageSize = queryInt(c, 'pageSize', { min: 10, max: 250, fallback: 10 })
    const filters = await jsonBody<InvoiceQueryFilters>(c, 'POST', '/invoices/query/metadata')
    const { records, permanentStorageHwmDate } = queryInvoices(sim, c.var.access, filters, sortOrder)
    const start = pageOffset * pageSize
    const end = start + pageSize
    const limit = sim.options.queryRecordLimit
    const reachable = records.slice(0, limit)
    return c.json({
      hasMore: end < records.length,
      isTruncated: records.length > limit && end >= limit,
      permanentStorageHwmDate,
      invoices: reachable.slice(start, end).map((record) => record.metadata),
    })
  })
  return app
}
