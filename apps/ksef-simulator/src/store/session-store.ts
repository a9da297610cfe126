/**
 * Persistence of online and batch sessions (and the uploaded parts of batch sessions).
 *
 * @module
 */
import type { ContextIdentifier } from '../auth/jwt.ts'
import { type Database, nullable } from './database.ts'

/** A status as KSeF reports it. */
export interface Status {
  code: number
  description: string
  details?: readonly string[]
}

/** `batchFile` of `POST /sessions/batch`. */
export interface BatchFileInfo {
  fileSize: number
  fileHash: string
  compressionType?: 'Zip' | 'TarGz' | null
  fileParts: { ordinalNumber: number; fileSize: number; fileHash: string }[]
}

/** A page of the session UPO: positions (1-based, inclusive) in the list of accepted invoices. */
export interface UpoPage {
  referenceNumber: string
  from: number
  to: number
}

/** A session as stored. */
export interface SessionRecord {
  referenceNumber: string
  type: 'Online' | 'Batch'
  context: ContextIdentifier
  authReference: string
  formCode: { systemCode: string; schemaVersion: string; value: string }
  status: Status
  dateCreated: string
  dateUpdated: string
  dateClosed: string | undefined
  validUntil: string | undefined
  /** The AES key, or undefined when it could not be decrypted (status 415 follows). */
  symmetricKey: Buffer | undefined
  iv: Buffer | undefined
  offlineMode: boolean
  batchFile: BatchFileInfo | undefined
  uploadDeadline: string | undefined
  processing: boolean
  upoPages: UpoPage[] | undefined
}

interface SessionRow {
  reference_number: string
  type: string
  context_type: string
  context_value: string
  auth_reference: string
  form_code: string
  status_code: number
  status_description: string
  status_details: string | null
  date_created: string
  date_updated: string
  date_closed: string | null
  valid_until: string | null
  symmetric_key: Uint8Array | null
  iv: Uint8Array | null
  offline_mode: number
  batch_file: string | null
  upload_deadline: string | null
  processing: number
  upo_pages: string | null
}

function fromRow(row: SessionRow): SessionRecord {
  return {
    referenceNumber: row.reference_number,
    type: row.type as SessionRecord['type'],
    context: { type: row.context_type as ContextIdentifier['type'], value: row.context_value },
    authReference: row.auth_reference,
    formCode: JSON.parse(row.form_code),
    status: {
      code: row.status_code,
      description: row.status_description,
      ...(row.status_details ? { details: JSON.parse(row.status_details) as string[] } : {}),
    },
    dateCreated: row.date_created,
    dateUpdated: row.date_updated,
    dateClosed: row.date_closed ?? undefined,
    validUntil: row.valid_until ?? undefined,
    symmetricKey: row.symmetric_key ? Buffer.from(row.symmetric_key) : undefined,
    iv: row.iv ? Buffer.from(row.iv) : undefined,
    offlineMode: row.offline_mode === 1,
    batchFile: row.batch_file ? (JSON.parse(row.batch_file) as BatchFileInfo) : undefined,
    uploadDeadline: row.upload_deadline ?? undefined,
    processing: row.processing === 1,
    upoPages: row.upo_pages ? (JSON.parse(row.upo_pages) as UpoPage[]) : undefined,
  }
}

/** Filters of `GET /sessions`. */
export interface SessionFilter {
  type: 'Online' | 'Batch'
  referenceNumber?: string
  createdFrom?: string
  createdTo?: string
  closedFrom?: string
  closedTo?: string
  modifiedFrom?: string
  modifiedTo?: string
}

/**
 * The sessions table.
 *
 * @example
 * ```ts
 * const session = new SessionStore(db).get(ref)
 * ```
 */
export class SessionStore {
  readonly #db: Database
  constructor(db: Database) {
    this.#db = db
  }

  save(session: SessionRecord): void {
    this.#db.run(
      `INSERT OR REPLACE INTO sessions(reference_number, type, context_type, context_value, auth_reference, form_code,
        status_code, status_description, status_details, date_created, date_updated, date_closed, valid_until,
        symmetric_key, iv, offline_mode, batch_file, upload_deadline, processing, upo_pages)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      session.referenceNumber,
      session.type,
      session.context.type,
      session.context.value,
      session.authReference,
      JSON.stringify(session.formCode),
      session.status.code,
      session.status.description,
      session.status.details ? JSON.stringify(session.status.details) : null,
      session.dateCreated,
      session.dateUpdated,
      nullable(session.dateClosed),
      nullable(session.validUntil),
      nullable(session.symmetricKey),
      nullable(session.iv),
      session.offlineMode ? 1 : 0,
      session.batchFile ? JSON.stringify(session.batchFile) : null,
      nullable(session.uploadDeadline),
      session.processing ? 1 : 0,
      session.upoPages ? JSON.stringify(session.upoPages) : null,
    )
  }

  get(referenceNumber: string): SessionRecord | undefined {
    const row = this.#db.get<SessionRow>('SELECT * FROM sessions WHERE reference_number = ?', referenceNumber)
    return row ? fromRow(row) : undefined
  }

  /** Sessions of a context matching the filter, newest first. */
  list(context: ContextIdentifier, filter: SessionFilter): SessionRecord[] {
    const where = ['context_type = ?', 'context_value = ?', 'type = ?']
    const params: (string | number)[] = [context.type, context.value, filter.type]
    const range = (column: string, from?: string, to?: string) => {
      if (from) {
        where.push(`${column} >= ?`)
        params.push(from)
      }
      if (to) {
        where.push(`${column} <= ?`)
        params.push(to)
      }
    }
    if (filter.referenceNumber) {
      where.push('reference_number = ?')
      params.push(filter.referenceNumber)
    }
    range('date_created', filter.createdFrom, filter.createdTo)
    range('date_closed', filter.closedFrom, filter.closedTo)
    range('date_updated', filter.modifiedFrom, filter.modifiedTo)
    return this.#db
      .all<SessionRow>(`SELECT * FROM sessions WHERE ${where.join(' AND ')} ORDER BY date_created DESC`, ...params)
      .map(fromRow)
  }

  /** Sessions of a type in a status (e.g. closed online sessions to complete after a restart). */
  withStatus(type: SessionRecord['type'], code: number): SessionRecord[] {
    return this.#db
      .all<SessionRow>('SELECT * FROM sessions WHERE type = ? AND status_code = ?', type, code)
      .map(fromRow)
  }

  /** Sessions whose processing was interrupted (by a stop) and must resume. */
  processing(): SessionRecord[] {
    return this.#db.all<SessionRow>('SELECT * FROM sessions WHERE processing = 1').map(fromRow)
  }

  savePart(referenceNumber: string, ordinal: number, content: Uint8Array): void {
    this.#db.run(
      'INSERT OR REPLACE INTO batch_parts(session_reference, ordinal, content) VALUES (?, ?, ?)',
      referenceNumber,
      ordinal,
      content,
    )
  }

  /** Uploaded parts' sizes by ordinal number. */
  partSizes(referenceNumber: string): Map<number, number> {
    return new Map(
      this.#db
        .all<{ ordinal: number; size: number }>(
          'SELECT ordinal, length(content) AS size FROM batch_parts WHERE session_reference = ?',
          referenceNumber,
        )
        .map((row) => [row.ordinal, row.size]),
    )
  }

  part(referenceNumber: string, ordinal: number): Buffer | undefined {
    const row = this.#db.get<{ content: Uint8Array }>(
      'SELECT content FROM batch_parts WHERE session_reference = ? AND ordinal = ?',
      referenceNumber,
      ordinal,
    )
    return row ? Buffer.from(row.content) : undefined
  }

  /** Drops uploaded parts once processed (the invoices keep their own content). */
  dropParts(referenceNumber: string): void {
    this.#db.run('DELETE FROM batch_parts WHERE session_reference = ?', referenceNumber)
  }
}
