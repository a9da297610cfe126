/**
 * The read-only view of everything the simulator received: each distinct invoice (by duplicate key, or by hash
 * when it could not be read), how many times it arrived, and its KSeF number, so tests can prove nothing was
 * sent twice.
 *
 * @module
 */
import type { Simulator } from '../context.ts'
import { InvoiceStore } from '../store/invoice-store.ts'

/** One entry of `GET /__admin/received`. */
export interface ReceivedInvoice {
  ksefNumber: string | null
  sellerNip: string | null
  invoiceType: string | null
  invoiceNumber: string | null
  hash: string
  timesReceived: number
  status: number
  receipts: { sessionReferenceNumber: string | null; referenceNumber: string; status: number; invoicingDate: string }[]
}

/**
 * Everything received in sessions (seeded purchase invoices are not "received").
 *
 * @example
 * ```ts
 * const { invoices } = receivedInvoices(sim)
 * ```
 */
export function receivedInvoices(sim: Simulator): { invoices: ReceivedInvoice[] } {
  const groups = new Map<string, ReceivedInvoice>()
  for (const record of new InvoiceStore(sim.db).all()) {
    if (!record.sessionReference) continue
    const key = record.duplicateKey ?? `hash:${record.invoiceHash}`
    let entry = groups.get(key)
    if (!entry) {
      entry = {
        ksefNumber: null,
        sellerNip: record.sellerNip ?? null,
        invoiceType: record.invoiceType ?? null,
        invoiceNumber: record.invoiceNumber ?? null,
        hash: record.invoiceHash,
        timesReceived: 0,
        status: record.status.code,
        receipts: [],
      }
      groups.set(key, entry)
    }
    entry.timesReceived++
    entry.receipts.push({
      sessionReferenceNumber: record.sessionReference,
      referenceNumber: record.referenceNumber,
      status: record.status.code,
      invoicingDate: record.invoicingDate,
    })
    if (record.ksefNumber) {
      entry.ksefNumber = record.ksefNumber
      entry.hash = record.invoiceHash
      entry.status = record.status.code
    } else if (!entry.ksefNumber) {
      entry.status = record.status.code
    }
  }
  return { invoices: [...groups.values()] }
}
