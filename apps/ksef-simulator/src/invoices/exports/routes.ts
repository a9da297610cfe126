/**
 * Exports: `POST /invoices/exports` (at most 10 running per context), `GET /invoices/exports/{ref}` with the
 * package's pre-signed part URLs, and the part downloads themselves under `/storage` (no bearer token).
 *
 * @module
 */
import { Hono } from 'hono'
import { requireAccess, requirePermission } from '../../auth/bearer.ts'
import { newReferenceNumber } from '../../core/reference-number.ts'
import { ApiError } from '../../errors/index.ts'
import type { SimulatorEnv } from '../../http/env.ts'
import { checkPresigned, presign } from '../../http/presigned-url.ts'
import { jsonBody, origin } from '../../http/request.ts'
import { ExportStore } from '../../store/export-store.ts'
import { buildExport, EXPORT_STATUS } from './build.ts'

const MAX_RUNNING = 10

interface InvoiceExportRequest {
  encryption: { encryptedSymmetricKey: string; initializationVector: string; publicKeyId?: string | null }
  filters: Record<string, unknown>
  onlyMetadata?: boolean
  compressionType?: 'Zip' | 'TarGz' | null
}

function partPath(referenceNumber: string, ordinal: number): string {
  return `/storage/exports/${referenceNumber}/parts/${ordinal}`
}

/**
 * The export routes under `/v2`.
 *
 * @example
 * ```ts
 * v2.route('/', exportRoutes())
 * ```
 */
export function exportRoutes(): Hono<SimulatorEnv> {
  const app = new Hono<SimulatorEnv>()

  app.post('/invoices/exports', requireAccess, async (c) => {
    const sim = c.var.sim
    const access = c.var.access
    requirePermission(access, ['InvoiceRead'])
    const body = await jsonBody<InvoiceExportRequest>(c, 'POST', '/invoices/exports')
    const iv = Buffer.from(body.encryption.initializationVector, 'base64')
    if (iv.length !== 16) throw ApiError.badRequest(21405, 'encryption.initializationVector musi mieć 16 bajtów.')
    const key = sim.keys.decrypt(
      'SymmetricKeyEncryption',
      body.encryption.publicKeyId,
      Buffer.from(body.encryption.encryptedSymmetricKey, 'base64'),
    )
    const store = new ExportStore(sim.db)
    if (store.running(access.ctx) >= MAX_RUNNING) {
      throw ApiError.badRequest(
        21182,
        `Dla uwierzytelnionego podmiotu w bieżącym kontekście osiągnięto maksymalny limit ${MAX_RUNNING} równoczesnych eksportów faktur. Spróbuj ponownie później.`,
      )
    }
    const now = sim.clock.now()
    const record = {
      referenceNumber: newReferenceNumber('EH', now),
      context: access.ctx,
      status: EXPORT_STATUS.running,
      request: {
        filters: body.filters,
        onlyMetadata: body.onlyMetadata ?? false,
        compressionType: body.compressionType ?? 'Zip',
      },
      package: undefined,
      dateCreated: now.toISOString(),
      completedDate: undefined,
      expirationDate: undefined,
      symmetricKey: key?.length === 32 ? key : undefined,
      iv,
    }
    store.save(record)
    sim.processor.later(sim.options.processingDelayMs, () => {
      sim.processor.track(
        buildExport(sim, record).catch((error: unknown) => {
          sim.log(`export ${record.referenceNumber} failed: ${error instanceof Error ? error.stack : String(error)}`)
          store.save({ ...record, status: { code: 500, description: 'Nieznany błąd (500)' } })
        }),
      )
    })
    return c.json({ referenceNumber: record.referenceNumber }, 201)
  })

  app.get('/invoices/exports/:referenceNumber', requireAccess, (c) => {
    const sim = c.var.sim
    requirePermission(c.var.access, ['InvoiceRead'])
    const ref = c.req.param('referenceNumber')
    const record = new ExportStore(sim.db).get(ref)
    if (!record || record.context.type !== c.var.access.ctx.type || record.context.value !== c.var.access.ctx.value) {
      throw ApiError.badRequest(21175)
    }
    const now = sim.clock.now()
    if (record.expirationDate && record.expirationDate < now.toISOString()) {
      return c.json({ status: { code: 210, description: 'Eksport faktur wygasł i nie jest już dostępny do pobrania' } })
    }
    const base = origin(c)
    const expires = new Date(
      Math.min(now.getTime() + 3600_000, Date.parse(record.expirationDate ?? now.toISOString()) || now.getTime()),
    )
    return c.json({
      status: record.status,
      ...(record.completedDate ? { completedDate: record.completedDate } : {}),
      ...(record.expirationDate ? { packageExpirationDate: record.expirationDate } : {}),
      ...(record.package
        ? {
            package: {
              ...record.package,
              parts: record.package.parts.map((part) => ({
                ...part,
                method: 'GET',
                url: presign(sim.secret, base, partPath(record.referenceNumber, part.ordinalNumber), expires),
                expirationDate: expires.toISOString(),
              })),
            },
          }
        : {}),
    })
  })

  return app
}

/**
 * Pre-signed export part downloads (`GET /storage/exports/{ref}/parts/{n}`).
 *
 * @example
 * ```ts
 * app.route('/', exportStorageRoutes())
 * ```
 */
export function exportStorageRoutes(): Hono<SimulatorEnv> {
  const app = new Hono<SimulatorEnv>()
  app.get('/storage/exports/:referenceNumber/parts/:ordinal', (c) => {
    const sim = c.var.sim
    const problem = checkPresigned(sim.secret, c.req.path, c.req.query('se'), c.req.query('sig'), sim.clock.now())
    if (problem)
      return c.text(problem === 'expired' ? 'AuthenticationFailed: link expired' : 'AuthenticationFailed', 403)
    const part = new ExportStore(sim.db).part(c.req.param('referenceNumber'), Number(c.req.param('ordinal')))
    if (!part) return c.text('BlobNotFound', 404)
    return c.body(new Uint8Array(part), 200, { 'content-type': 'application/octet-stream' })
  })
  return app
}
