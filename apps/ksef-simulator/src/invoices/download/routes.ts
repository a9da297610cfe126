/**
 * `GET /invoices/ksef/{ksefNumber}`: the invoice XML exactly as received, for the seller and every party named
 * on it (buyer, third parties, authorized party), with `x-ms-meta-hash`.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { Hono } from 'hono'
import { requireAccess, requirePermission } from '../../auth/bearer.ts'
import { contextNip } from '../../auth/permissions.ts'
import { ApiError } from '../../errors/index.ts'
import type { SimulatorEnv } from '../../http/env.ts'
import { InvoiceStore } from '../../store/invoice-store.ts'

/**
 * The download route.
 *
 * @example
 * ```ts
 * v2.route('/', downloadRoutes())
 * ```
 */
export function downloadRoutes(): Hono<SimulatorEnv> {
  const app = new Hono<SimulatorEnv>()
  app.get('/invoices/ksef/:ksefNumber', requireAccess, (c) => {
    const sim = c.var.sim
    requirePermission(c.var.access, ['InvoiceRead'])
    const ksefNumber = c.req.param('ksefNumber')
    const store = new InvoiceStore(sim.db)
    const record = store.byKsefNumber(ksefNumber)
    const nip = contextNip(c.var.access.ctx)
    const party =
      record !== undefined &&
      nip !== undefined &&
      (record.sellerNip === nip ||
        record.buyerNip === nip ||
        record.authorizedNip === nip ||
        record.thirdPartyNips.includes(nip))
    const content = party && record ? store.content(record.referenceNumber) : undefined
    if (!content) throw ApiError.badRequest(21164, `Faktura o numerze KSeF ${ksefNumber} nie została znaleziona.`)
    return c.body(new Uint8Array(content), 200, {
      'content-type': 'application/xml',
      'x-ms-meta-hash': createHash('sha256').update(content).digest('base64'),
    })
  })
  return app
}
