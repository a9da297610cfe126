/**
 * Persistence of invoices: each one received in a session (whatever its outcome) and each purchase invoice
 * seeded through the admin API, with the content, the status and, once accepted, the KSeF number and metadata.
 *
 * @module
 */
import { type Database, nullable } from './database.ts'
import { COLUMNS, fromRow, type InvoiceRow } from './invoice-row.ts'
import type { Status } from './session-store.ts'

/** An invoice's status (with `extensions` for duplicates). */
export interface InvoiceStatus extends Status {
  extensions?: Record<string, string>
}

/** An invoice as stored (without its content). */
export interface InvoiceRecord {
  referenceNumber: string
  /** `undefined` for purchase invoices seeded through the admin API. */
  sessionReference: string | undefined
  ordinal: number
  status: InvoiceStatus
  invoiceHash: string
  invoiceSize: number
  fileName: string | undefined
  invoiceNumber: string | undefined
  invoiceType: string | undefined
  sellerNip: string | undefined
  buyerNip: string | undefined
  thirdPartyNips: string[]
  authorizedNip: string | undefined
  duplicateKey: string | undefined
  ksefNumber: string | undefined
  invoicingDate: string
  acquisitionDate: string | undefined
  permanentStorageDate: string | undefined
  issueDate: string | undefined
  invoicingMode: 'Online' | 'Offline' | undefined
  offlineMode: boolean
  hashOfCorrectedInvoice: string | undefined
  /** `InvoiceMetadata` of accepted invoices. */
  metadata: Record<string, unknown> | undefined
  decryptError: boolean
  /** Processing does not finish before this time (a `slow` fault). */
  notBeforeMs: number | undefined
}

/**
 * The invoices table.
 *
 * @example
 * ```ts
 * const invoice = new InvoiceStore(db).get(ref)
 * ```
 */
export class InvoiceStore {
  readonly #db: Database
  constructor(db: Database) {
    this.#db = db
  }

  /** Inserts or replaces an invoice; `content` is kept when omitted on a replace. */
  save(record: InvoiceRecord, content?: Uint8Array): void {
    const values = [
      record.referenceNumber,
      nullable(record.sessionReference),
      record.ordinal,
      record.status.code,
      record.status.description,
      record.status.details ? JSON.stringify(record.status.details) : null,
      record.status.extensions ? JSON.stringify(record.status.extensions) : null,
      record.invoiceHash,
      record.invoiceSize,
      nullable(record.fileName),
      nullable(record.invoiceNumber),
      nullable(record.invoiceType),
      nullable(record.sellerNip),
      nullable(record.buyerNip),
      record.thirdPartyNips.length ? JSON.stringify(record.thirdPartyNips) : null,
      nullable(record.authorizedNip),
      nullable(record.duplicateKey),
      nullable(record.ksefNumber),
      record.invoicingDate,
      nullable(record.acquisitionDate),
      nullable(record.permanentStorageDate),
      nullable(record.issueDate),
      nullable(record.invoicingMode),
      record.offlineMode ? 1 : 0,
      nullable(record.hashOfCorrectedInvoice),
      record.metadata ? JSON.stringify(record.metadata) : null,
      record.decryptError ? 1 : 0,
      nullable(record.notBeforeMs),
    ]
    if (content) {
      this.#db.run(
        `INSERT OR REPLACE INTO invoices(${COLUMNS}, content) VALUES (${values.map(() => '?').join(', ')}, ?)`,
        ...values,
        content,
      )
      return
    }
    const assignments = COLUMNS.split(',')
      .map((column) => `${column.trim()} = ?`)
      .join(', ')
    const changed = this.#db.run(
      `UPDATE invoices SET ${assignments} WHERE reference_number = ?`,
      ...values,
      record.referenceNumber,
    )
    if (changed === 0) {
      this.#db.run(`INSERT INTO invoices(${COLUMNS}) VALUES (${values.map(() => '?').join(', ')})`, ...values)
    }
  }

  get(referenceNumber: string): InvoiceRecord | undefined {
    const row = this.#db.get<InvoiceRow>(`SELECT ${COLUMNS} FROM invoices WHERE reference_number = ?`, referenceNumber)
    return row ? fromRow(row) : undefined
  }

  byKsefNumber(ksefNumber: string): InvoiceRecord | undefined {
    const row = this.#db.get<InvoiceRow>(`SELECT ${COLUMNS} FROM invoices WHERE ksef_number = ?`, ksefNumber)
    return row ? fromRow(row) : undefined
  }

  content(referenceNumber: string): Buffer | undefined {
    const row = this.#db.get<{ content: Uint8Array | null }>(
      'SELECT content FROM invoices WHERE reference_number = ?',
      referenceNumber,
    )
    return row?.content ? Buffer.from(row.content) : undefined
  }

  /** The accepted invoice with a duplicate key, if any. */
  accepted(duplicateKey: string): InvoiceRecord | undefined {
    const row = this.#db.get<InvoiceRow>(
      `SELECT ${COLUMNS} FROM invoices WHERE duplicate_key = ? AND ksef_number IS NOT NULL`,
      duplicateKey,
    )
    return row ? fromRow(row) : undefined
  }

  /** Invoices of a session by ordinal number, a page at a time (`failedOnly`: status 300 and above). */
  inSession(sessionReference: string, offset: number, limit: number, failedOnly = false): InvoiceRecord[] {
    return this.#db
      .all<InvoiceRow>(
        `SELECT ${COLUMNS} FROM invoices WHERE session_reference = ? ${failedOnly ? 'AND status_code >= 300' : ''}
         ORDER BY ordinal LIMIT ? OFFSET ?`,
        sessionReference,
        limit,
        offset,
      )
      .map(fromRow)
  }

  /** The next invoices of a session still processing (below 200), by ordinal number. */
  inSessionPending(sessionReference: string, limit: number): InvoiceRecord[] {
    return this.#db
      .all<InvoiceRow>(
        `SELECT ${COLUMNS} FROM invoices WHERE session_reference = ? AND status_code < 200 ORDER BY ordinal LIMIT ?`,
        sessionReference,
        limit,
      )
      .map(fromRow)
  }

  /** Accepted invoices of a session in ordinal order, from position `offset` (0-based). */
  acceptedInSession(sessionReference: string, offset: number, limit: number): InvoiceRecord[] {
    return this.#db
      .all<InvoiceRow>(
        `SELECT ${COLUMNS} FROM invoices WHERE session_reference = ? AND status_code = 200
         ORDER BY ordinal LIMIT ? OFFSET ?`,
        sessionReference,
        limit,
        offset,
      )
      .map(fromRow)
  }

  /** Counts of a session: all, accepted (200), failed (300+), pending (below 200). */
  counts(sessionReference: string): { total: number; successful: number; failed: number; pending: number } {
    const row = this.#db.get<{
      total: number
      successful: number | null
      failed: number | null
      pending: number | null
    }>(
      `SELECT count(*) AS total, sum(status_code = 200) AS successful, sum(status_code >= 300) AS failed,
       sum(status_code < 200) AS pending FROM invoices WHERE session_reference = ?`,
      sessionReference,
    )
    return {
      total: row?.total ?? 0,
      successful: row?.successful ?? 0,
      failed: row?.failed ?? 0,
      pending: row?.pending ?? 0,
    }
  }

  /** Invoices still processing (below 200), in any session. */
  pending(): InvoiceRecord[] {
    return this.#db
      .all<InvoiceRow>(`SELECT ${COLUMNS} FROM invoices WHERE status_code < 200 ORDER BY ordinal`)
      .map(fromRow)
  }

  /** Highest ordinal number in a session (0 when empty). */
  lastOrdinal(sessionReference: string): number {
    return (
      this.#db.get<{ last: number | null }>(
        'SELECT max(ordinal) AS last FROM invoices WHERE session_reference = ?',
        sessionReference,
      )?.last ?? 0
    )
  }

  /** Accepted invoices where a NIP is the given party, for queries and exports. */
  acceptedFor(party: 'seller' | 'buyer' | 'third' | 'authorized', nip: string): InvoiceRecord[] {
    const where = {
      seller: 'seller_nip = ?',
      buyer: 'buyer_nip = ?',
      third: "third_party_nips LIKE '%' || ? || '%'",
      authorized: 'authorized_nip = ?',
    }[party]
    return this.#db
      .all<InvoiceRow>(`SELECT ${COLUMNS} FROM invoices WHERE ksef_number IS NOT NULL AND ${where}`, nip)
      .map(fromRow)
      .filter((record) => party !== 'third' || record.thirdPartyNips.includes(nip))
  }

  /** Every invoice received, for the admin view. */
  all(): InvoiceRecord[] {
    return this.#db.all<InvoiceRow>(`SELECT ${COLUMNS} FROM invoices ORDER BY invoicing_date, ordinal`).map(fromRow)
  }
}
