/**
 * UPOs from the store: an invoice's and a session page's, plus their pre-signed download links.
 *
 * @module
 */
import type { Simulator } from '../context.ts'
import { presign } from '../http/presigned-url.ts'
import { AuthStore } from '../store/auth-store.ts'
import { type InvoiceRecord, InvoiceStore } from '../store/invoice-store.ts'
import type { SessionRecord, UpoPage } from '../store/session-store.ts'
import { type UpoAuthentication, type UpoDocument, upoXml } from './upo-xml.ts'

/** How long pre-signed UPO links live (like the samples: three days). */
const LINK_TTL_MS = 3 * 24 * 3600_000

function authentication(sim: Simulator, session: SessionRecord): UpoAuthentication {
  const op = new AuthStore(sim.db).operation(session.authReference)
  if (op?.ksefTokenReference) return { ksefTokenReference: op.ksefTokenReference }
  return { documentHash: op?.documentHash ?? Buffer.alloc(32).toString('base64') }
}

function document(record: InvoiceRecord): UpoDocument {
  return {
    sellerNip: record.sellerNip ?? '',
    ksefNumber: record.ksefNumber ?? '',
    invoiceNumber: record.invoiceNumber ?? '',
    issueDate: record.issueDate ?? '',
    invoicingDate: record.invoicingDate,
    acquisitionDate: record.acquisitionDate ?? record.invoicingDate,
    invoiceHash: record.invoiceHash,
    invoicingMode: record.invoicingMode ?? 'Online',
  }
}

/**
 * The UPO of one accepted invoice.
 *
 * @example
 * ```ts
 * const xml = invoiceUpo(sim, session, record)
 * ```
 */
export function invoiceUpo(sim: Simulator, session: SessionRecord, record: InvoiceRecord): string {
  return upoXml({
    sessionReference: session.referenceNumber,
    context: session.context,
    authentication: authentication(sim, session),
    documents: [document(record)],
  })
}

/**
 * One page of a session's UPO.
 *
 * @example
 * ```ts
 * const xml = sessionUpoPage(sim, session, session.upoPages[0])
 * ```
 */
export function sessionUpoPage(sim: Simulator, session: SessionRecord, page: UpoPage): string {
  const pages = session.upoPages ?? [page]
  const records = new InvoiceStore(sim.db).acceptedInSession(
    session.referenceNumber,
    page.from - 1,
    page.to - page.from + 1,
  )
  return upoXml({
    sessionReference: session.referenceNumber,
    context: session.context,
    authentication: authentication(sim, session),
    page: {
      page: pages.findIndex((p) => p.referenceNumber === page.referenceNumber) + 1,
      pages: pages.length,
      from: page.from,
      to: page.to,
      total: pages.at(-1)?.to ?? page.to,
    },
    documents: records.map(document),
  })
}

/**
 * Pre-signed link to an invoice's UPO.
 *
 * @example
 * ```ts
 * const { url, expires } = invoiceUpoLink(sim, origin, record)
 * ```
 */
export function invoiceUpoLink(
  sim: Simulator,
  origin: string,
  record: InvoiceRecord,
): { url: string; expires: string } {
  const expires = new Date(sim.clock.nowMs() + LINK_TTL_MS)
  const path = `/storage/${record.sessionReference}/invoice-upo/${record.referenceNumber}.xml`
  return { url: presign(sim.secret, origin, path, expires), expires: expires.toISOString() }
}

/**
 * Pre-signed link to a session UPO page.
 *
 * @example
 * ```ts
 * const { url } = sessionUpoLink(sim, origin, session, page)
 * ```
 */
export function sessionUpoLink(
  sim: Simulator,
  origin: string,
  session: SessionRecord,
  page: UpoPage,
): { url: string; expires: string } {
  const expires = new Date(sim.clock.nowMs() + LINK_TTL_MS)
  const path = `/storage/${session.referenceNumber}/session-upo/${page.referenceNumber}.xml`
  return { url: presign(sim.secret, origin, path, expires), expires: expires.toISOString() }
}
