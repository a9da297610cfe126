/**
 * The JSON views of sessions and invoices in them (`SessionStatusResponse`, `SessionsQueryResponseItem`,
 * `SessionInvoiceStatusResponse`).
 *
 * @module
 */
import type { Simulator } from '../../context.ts'
import { type InvoiceRecord, InvoiceStore } from '../../store/invoice-store.ts'
import type { SessionRecord } from '../../store/session-store.ts'
import { invoiceUpoLink, sessionUpoLink } from '../../upo/session-upo.ts'

/**
 * `SessionStatusResponse`.
 *
 * @example
 * ```ts
 * return c.json(sessionStatusView(sim, origin(c), session))
 * ```
 */
export function sessionStatusView(sim: Simulator, origin: string, session: SessionRecord): Record<string, unknown> {
  const counts = new InvoiceStore(sim.db).counts(session.referenceNumber)
  return {
    status: session.status,
    dateCreated: session.dateCreated,
    dateUpdated: session.dateUpdated,
    ...(session.validUntil ? { validUntil: session.validUntil } : {}),
    ...(session.upoPages?.length
      ? {
          upo: {
            pages: session.upoPages.map((page) => {
              const link = sessionUpoLink(sim, origin, session, page)
              return {
                referenceNumber: page.referenceNumber,
                downloadUrl: link.url,
                downloadUrlExpirationDate: link.expires,
              }
            }),
          },
        }
      : {}),
    invoiceCount: counts.total,
    successfulInvoiceCount: counts.successful,
    failedInvoiceCount: counts.failed,
  }
}

/**
 * `SessionsQueryResponseItem`.
 *
 * @example
 * ```ts
 * sessions.map((session) => sessionListItem(sim, session))
 * ```
 */
export function sessionListItem(sim: Simulator, session: SessionRecord): Record<string, unknown> {
  const counts = new InvoiceStore(sim.db).counts(session.referenceNumber)
  return {
    referenceNumber: session.referenceNumber,
    status: session.status,
    dateCreated: session.dateCreated,
    dateUpdated: session.dateUpdated,
    validUntil: session.validUntil ?? null,
    totalInvoiceCount: counts.total,
    successfulInvoiceCount: counts.successful,
    failedInvoiceCount: counts.failed,
  }
}

/**
 * `SessionInvoiceStatusResponse`.
 *
 * @example
 * ```ts
 * return c.json(invoiceStatusView(sim, origin(c), session, record))
 * ```
 */
export function invoiceStatusView(
  sim: Simulator,
  origin: string,
  session: SessionRecord,
  record: InvoiceRecord,
): Record<string, unknown> {
  const accepted = record.status.code === 200 && record.ksefNumber !== undefined
  const link = accepted ? invoiceUpoLink(sim, origin, record) : undefined
  return {
    ordinalNumber: record.ordinal,
    ...(record.invoiceNumber ? { invoiceNumber: record.invoiceNumber } : {}),
    ...(accepted ? { ksefNumber: record.ksefNumber } : {}),
    referenceNumber: record.referenceNumber,
    invoiceHash: record.invoiceHash,
    ...(session.type === 'Batch' && record.fileName ? { invoiceFileName: record.fileName } : {}),
    ...(accepted ? { acquisitionDate: record.acquisitionDate } : {}),
    invoicingDate: record.invoicingDate,
    ...(accepted ? { permanentStorageDate: record.permanentStorageDate } : {}),
    ...(link ? { upoDownloadUrl: link.url, upoDownloadUrlExpirationDate: link.expires } : {}),
    ...(accepted ? { invoicingMode: record.invoicingMode } : {}),
    status: record.status,
  }
}
