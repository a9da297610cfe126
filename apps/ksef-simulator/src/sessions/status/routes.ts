/**
 * Reading sessions: `GET /sessions`, `GET /sessions/{ref}`, the invoices of a session (all, failed, one), and
 * UPOs (per invoice by reference or KSeF number, per session page) with their pre-signed `/storage` links.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { Hono } from 'hono'
import { requireAccess, requirePermission } from '../../auth/bearer.ts'
import type { Simulator } from '../../context.ts'
import { parseKsefDateTime } from '../../core/warsaw.ts'
import { ApiError } from '../../errors/index.ts'
import { decodeContinuation, encodeContinuation } from '../../http/continuation.ts'
import type { SimContext, SimulatorEnv } from '../../http/env.ts'
import { checkPresigned } from '../../http/presigned-url.ts'
import { origin, queryInt } from '../../http/request.ts'
import { InvoiceStore } from '../../store/invoice-store.ts'
import { type SessionFilter, type SessionRecord, SessionStore } from '../../store/session-store.ts'
import { invoiceUpo, sessionUpoPage } from '../../upo/session-upo.ts'
import { STATUS_PERMISSIONS, sessionOf } from '../session-lookup.ts'
import { invoiceStatusView, sessionListItem, sessionStatusView } from './views.ts'

const STATUS_GROUPS: Record<string, (code: number) => boolean> = {
  InProgress: (code) => code < 200,
  Succeeded: (code) => code === 200,
  Failed: (code) => code > 200 && code !== 440,
  Cancelled: (code) => code === 440,
}

function xml(c: SimContext, text: string) {
  const body = Buffer.from(text, 'utf8')
  return c.body(body, 200, {
    'content-type': 'application/xml',
    'x-ms-meta-hash': createHash('sha256').update(body).digest('base64'),
  })
}

function dateQuery(c: SimContext, name: string): string | undefined {
  const raw = c.req.query(name)
  if (raw === undefined || raw === '') return undefined
  const parsed = parseKsefDateTime(raw)
  if (!parsed) throw ApiError.badRequest(21405, `${name} nie jest prawidłową datą.`)
  return parsed.toISOString()
}

function invoiceIn(sim: Simulator, session: SessionRecord, invoiceReference: string) {
  const record = new InvoiceStore(sim.db).get(invoiceReference)
  if (!record || record.sessionReference !== session.referenceNumber) {
    throw ApiError.badRequest(
      21405,
      `Faktura o numerze referencyjnym ${invoiceReference} nie została znaleziona w sesji.`,
    )
  }
  return record
}

function upoNotFound(detail: string): ApiError {
  return ApiError.badRequest(21178, detail)
}

/**
 * The session-reading routes under `/v2`.
 *
 * @example
 * ```ts
 * v2.route('/', sessionStatusRoutes())
 * ```
 */
export function sessionStatusRoutes(): Hono<SimulatorEnv> {
  const app = new Hono<SimulatorEnv>()

  app.get('/sessions', requireAccess, (c) => {
    const sim = c.var.sim
    requirePermission(c.var.access, STATUS_PERMISSIONS)
    const type = c.req.query('sessionType')
    if (type !== 'Online' && type !== 'Batch')
      throw ApiError.badRequest(21405, 'sessionType: wymagana wartość Online lub Batch.')
    const pageSize = queryInt(c, 'pageSize', { min: 10, max: 1000, fallback: 10 })
    const offset = decodeContinuation(c.req.header('x-continuation-token'))
    const statuses = c.req.queries('statuses') ?? []
    for (const status of statuses) {
      if (!(status in STATUS_GROUPS)) throw ApiError.badRequest(21405, `statuses: nieznana wartość ${status}.`)
    }
    const filter: SessionFilter = { type }
    const set = <K extends keyof SessionFilter>(key: K, value: SessionFilter[K] | undefined) => {
      if (value !== undefined) filter[key] = value
    }
    set('referenceNumber', c.req.query('referenceNumber') || undefined)
    set('createdFrom', dateQuery(c, 'dateCreatedFrom'))
    set('createdTo', dateQuery(c, 'dateCreatedTo'))
    set('closedFrom', dateQuery(c, 'dateClosedFrom'))
    set('closedTo', dateQuery(c, 'dateClosedTo'))
    set('modifiedFrom', dateQuery(c, 'dateModifiedFrom'))
    set('modifiedTo', dateQuery(c, 'dateModifiedTo'))
    const all = new SessionStore(sim.db)
      .list(c.var.access.ctx, filter)
      .filter((session) => statuses.length === 0 || statuses.some((s) => STATUS_GROUPS[s]?.(session.status.code)))
    const page = all.slice(offset, offset + pageSize)
    return c.json({
      continuationToken: offset + pageSize < all.length ? encodeContinuation(offset + pageSize) : null,
      sessions: page.map((session) => sessionListItem(sim, session)),
    })
  })

  app.get('/sessions/:referenceNumber', requireAccess, (c) => {
    const sim = c.var.sim
    requirePermission(c.var.access, STATUS_PERMISSIONS)
    const session = sessionOf(sim, c.var.access, c.req.param('referenceNumber'))
    return c.json(sessionStatusView(sim, origin(c), session))
  })

  const list = (failedOnly: boolean) => (c: SimContext) => {
    const sim = c.var.sim
    requirePermission(c.var.access, STATUS_PERMISSIONS)
    const session = sessionOf(sim, c.var.access, c.req.param('referenceNumber') ?? '')
    const pageSize = queryInt(c, 'pageSize', { min: 10, max: 1000, fallback: 10 })
    const offset = decodeContinuation(c.req.header('x-continuation-token'))
    const records = new InvoiceStore(sim.db).inSession(session.referenceNumber, offset, pageSize + 1, failedOnly)
    const base = origin(c)
    return c.json({
      continuationToken: records.length > pageSize ? encodeContinuation(offset + pageSize) : null,
      invoices: records.slice(0, pageSize).map((record) => invoiceStatusView(sim, base, session, record)),
    })
  }
  app.get('/sessions/:referenceNumber/invoices', requireAccess, list(false))
  app.get('/sessions/:referenceNumber/invoices/failed', requireAccess, list(true))

  app.get('/sessions/:referenceNumber/invoices/ksef/:ksefNumber/upo', requireAccess, (c) => {
    const sim = c.var.sim
    requirePermission(c.var.access, STATUS_PERMISSIONS)
    const session = sessionOf(sim, c.var.access, c.req.param('referenceNumber'))
    const ksefNumber = c.req.param('ksefNumber')
    const record = new InvoiceStore(sim.db).byKsefNumber(ksefNumber)
    if (!record || record.sessionReference !== session.referenceNumber) {
      throw upoNotFound(
        `UPO o numerze KSeF ${ksefNumber} i numerze referencyjnym sesji ${session.referenceNumber} nie zostało znalezione.`,
      )
    }
    return xml(c, invoiceUpo(sim, session, record))
  })

  app.get('/sessions/:referenceNumber/invoices/:invoiceReferenceNumber/upo', requireAccess, (c) => {
    const sim = c.var.sim
    requirePermission(c.var.access, STATUS_PERMISSIONS)
    const session = sessionOf(sim, c.var.access, c.req.param('referenceNumber'))
    const record = invoiceIn(sim, session, c.req.param('invoiceReferenceNumber'))
    if (record.status.code !== 200)
      throw upoNotFound(`UPO faktury ${record.referenceNumber} nie jest dostępne (status ${record.status.code}).`)
    return xml(c, invoiceUpo(sim, session, record))
  })

  app.get('/sessions/:referenceNumber/invoices/:invoiceReferenceNumber', requireAccess, (c) => {
    const sim = c.var.sim
    requirePermission(c.var.access, STATUS_PERMISSIONS)
    const session = sessionOf(sim, c.var.access, c.req.param('referenceNumber'))
    const record = invoiceIn(sim, session, c.req.param('invoiceReferenceNumber'))
    return c.json(invoiceStatusView(sim, origin(c), session, record))
  })

  app.get('/sessions/:referenceNumber/upo/:upoReferenceNumber', requireAccess, (c) => {
    const sim = c.var.sim
    requirePermission(c.var.access, STATUS_PERMISSIONS)
    const session = sessionOf(sim, c.var.access, c.req.param('referenceNumber'))
    const upoReference = c.req.param('upoReferenceNumber')
    const page = session.upoPages?.find((p) => p.referenceNumber === upoReference)
    if (!page) {
      throw upoNotFound(
        `UPO o numerze referencyjnym ${upoReference} dla sesji ${session.referenceNumber} nie zostało znalezione.`,
      )
    }
    return xml(c, sessionUpoPage(sim, session, page))
  })

  return app
}

/**
 * The pre-signed `/storage` downloads of UPOs (no bearer token; the link's own signature and expiry).
 *
 * @example
 * ```ts
 * root.route('/', upoStorageRoutes())
 * ```
 */
export function upoStorageRoutes(): Hono<SimulatorEnv> {
  const app = new Hono<SimulatorEnv>()
  const guard = (c: SimContext) => {
    const sim = c.var.sim
    const problem = checkPresigned(sim.secret, c.req.path, c.req.query('se'), c.req.query('sig'), sim.clock.now())
    if (problem) {
      return c.text(problem === 'expired' ? 'AuthenticationFailed: link expired' : 'AuthenticationFailed', 403)
    }
    return undefined
  }
  app.get('/storage/:sessionReference/invoice-upo/:file', (c) => {
    const refused = guard(c)
    if (refused) return refused
    const sim = c.var.sim
    const record = new InvoiceStore(sim.db).get(c.req.param('file').replace(/\.xml$/, ''))
    const session = new SessionStore(sim.db).get(c.req.param('sessionReference'))
    if (!record || !session || record.status.code !== 200) return c.text('BlobNotFound', 404)
    return xml(c, invoiceUpo(sim, session, record))
  })
  app.get('/storage/:sessionReference/session-upo/:file', (c) => {
    const refused = guard(c)
    if (refused) return refused
    const sim = c.var.sim
    const session = new SessionStore(sim.db).get(c.req.param('sessionReference'))
    const page = session?.upoPages?.find((p) => p.referenceNumber === c.req.param('file').replace(/\.xml$/, ''))
    if (!session || !page) return c.text('BlobNotFound', 404)
    return xml(c, sessionUpoPage(sim, session, page))
  })
  return app
}
