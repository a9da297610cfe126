/**
 * Persistence of invoice exports and their encrypted package parts.
 *
 * @module
 */
import type { ContextIdentifier } from '../auth/jwt.ts'
import { type Database, nullable } from './database.ts'
import type { Status } from './session-store.ts'

/** A package part as stored (the URL is made when the status is read). */
export interface StoredPart {
  ordinalNumber: number
  partName: string
  partSize: number
  partHash: string
  encryptedPartSize: number
  encryptedPartHash: string
}

/** The package of a finished export. */
export interface StoredPackage {
  invoiceCount: number
  size: number
  parts: StoredPart[]
  isTruncated: boolean
  lastIssueDate?: string
  lastInvoicingDate?: string
  lastPermanentStorageDate?: string
  permanentStorageHwmDate?: string
}

/** An export as stored. */
export interface ExportRecord {
  referenceNumber: string
  context: ContextIdentifier
  status: Status
  request: Record<string, unknown>
  package: StoredPackage | undefined
  dateCreated: string
  completedDate: string | undefined
  expirationDate: string | undefined
  symmetricKey: Buffer | undefined
  iv: Buffer | undefined
}

interface ExportRow {
  reference_number: string
  context_type: string
  context_value: string
  status_code: number
  status_description: string
  status_details: string | null
  request: string
  package: string | null
  date_created: string
  completed_date: string | null
  expiration_date: string | null
  symmetric_key: Uint8Array | null
  iv: Uint8Array | null
}

function fromRow(row: ExportRow): ExportRecord {
  return {
    referenceNumber: row.reference_number,
    context: { type: row.context_type as ContextIdentifier['type'], value: row.context_value },
    status: {
      code: row.status_code,
      description: row.status_description,
      ...(row.status_details ? { details: JSON.parse(row.status_details) as string[] } : {}),
    },
    request: JSON.parse(row.request) as Record<string, unknown>,
    package: row.package ? (JSON.parse(row.package) as StoredPackage) : undefined,
    dateCreated: row.date_created,
    completedDate: row.completed_date ?? undefined,
    expirationDate: row.expiration_date ?? undefined,
    symmetricKey: row.symmetric_key ? Buffer.from(row.symmetric_key) : undefined,
    iv: row.iv ? Buffer.from(row.iv) : undefined,
  }
}

/**
 * The exports tables.
 *
 * @example
 * ```ts
 * const record = new ExportStore(db).get(ref)
 * ```
 */
export class ExportStore {
  readonly #db: Database
  constructor(db: Database) {
    this.#db = db
  }

  save(record: ExportRecord): void {
    this.#db.run(
      `INSERT OR REPLACE INTO exports(reference_number, context_type, context_value, status_code, status_description,
        status_details, request, package, date_created, completed_date, expiration_date, symmetric_key, iv)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      record.referenceNumber,
      record.context.type,
      record.context.value,
      record.status.code,
      record.status.description,
      record.status.details ? JSON.stringify(record.status.details) : null,
      JSON.stringify(record.request),
      record.package ? JSON.stringify(record.package) : null,
      record.dateCreated,
      nullable(record.completedDate),
      nullable(record.expirationDate),
      nullable(record.symmetricKey),
      nullable(record.iv),
    )
  }

  get(referenceNumber: string): ExportRecord | undefined {
    const row = this.#db.get<ExportRow>('SELECT * FROM exports WHERE reference_number = ?', referenceNumber)
    return row ? fromRow(row) : undefined
  }

  /** Exports of a context still running. */
  running(context: ContextIdentifier): number {
    return (
      this.#db.get<{ n: number }>(
        'SELECT count(*) AS n FROM exports WHERE context_type = ? AND context_value = ? AND status_code = 100',
        context.type,
        context.value,
      )?.n ?? 0
    )
  }

  /** Exports interrupted by a stop. */
  allRunning(): ExportRecord[] {
    return this.#db.all<ExportRow>('SELECT * FROM exports WHERE status_code = 100').map(fromRow)
  }

  savePart(referenceNumber: string, ordinal: number, content: Uint8Array): void {
    this.#db.run(
      'INSERT OR REPLACE INTO export_parts(export_reference, ordinal, content) VALUES (?, ?, ?)',
      referenceNumber,
      ordinal,
      content,
    )
  }

  part(referenceNumber: string, ordinal: number): Buffer | undefined {
    const row = this.#db.get<{ content: Uint8Array }>(
      'SELECT content FROM export_parts WHERE export_reference = ? AND ordinal = ?',
      referenceNumber,
      ordinal,
    )
    return row ? Buffer.from(row.content) : undefined
  }
}
