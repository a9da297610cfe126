/**
 * The fake's state: per company, a table per entity set of stored rows, each with a version (its ETag) and, for
 * attachments, its bytes. Writes stamp `lastModifiedDateTime` from the fake's clock (strictly increasing, as two
 * changes in a row of one BC session are), a change to a line is a change to its document (BC notifies the
 * header), and every change is announced to listeners (the webhooks).
 *
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { FakeClock } from '@ksef-hub/connector-sdk/testing'
import { ENTITIES, type EntitySet, etagOf, type Row } from './model.ts'

/** A stored entity. */
export interface Stored {
  readonly id: string
  readonly set: EntitySet
  row: Row
  version: number
  /** An attachment's bytes. */
  content?: Buffer
  /** Where its ETag numbers start: entities do not share ETags. */
  readonly seed: number
}

/** What happened to an entity. */
export type ChangeType = 'created' | 'updated' | 'deleted'

/** A change, as the webhooks see it. */
export interface Change {
  readonly companyId: string
  readonly set: EntitySet
  readonly id: string
  readonly changeType: ChangeType
  /** The entity's `lastModifiedDateTime` after the change (the change's time for a deletion). */
  readonly at: string
}

/** Line sets by their document's set. */
export const LINE_SETS: Partial<Record<EntitySet, EntitySet>> = {
  salesInvoices: 'salesInvoiceLines',
  salesCreditMemos: 'salesCreditMemoLines',
  purchaseInvoices: 'purchaseInvoiceLines',
}

/** The document set of a line set. */
export const DOCUMENT_OF_LINES: Partial<Record<EntitySet, EntitySet>> = Object.fromEntries(
  Object.entries(LINE_SETS).map(([documents, lines]) => [lines, documents]),
)

/** How a write is made. */
export interface WriteOptions {
  /** Announce the change (default true); seeding announces nothing. */
  readonly notify?: boolean
  /** The `lastModifiedDateTime` to stamp (default: the clock's next instant). */
  readonly at?: string
}

/**
 * The state of every company.
 *
 * @example
 * ```ts
 * const store = new Store(createClock())
 * store.addCompany(companyId)
 * const vendor = store.insert(companyId, 'vendors', { number: 'V0001', displayName: 'Volt' })
 * ```
 */
export class Store {
  readonly #clock: FakeClock
  readonly #companies = new Map<string, Map<EntitySet, Map<string, Stored>>>()
  readonly #listeners: ((change: Change) => void)[] = []
  #last = 0
  #seeds = 0

  constructor(clock: FakeClock) {
    this.#clock = clock
  }

  /** An instant later than every earlier one (ISO 8601 with milliseconds). */
  tick(): string {
    this.#last = Math.max(this.#clock.now().getTime(), this.#last + 1)
    return new Date(this.#last).toISOString()
  }

  onChange(listener: (change: Change) => void): void {
    this.#listeners.push(listener)
  }

  addCompany(companyId: string): void {
    this.#companies.set(companyId, new Map())
  }

  hasCompany(companyId: string): boolean {
    return this.#companies.has(companyId)
  }

  companyIds(): string[] {
    return [...this.#companies.keys()]
  }

  /** A company's table of one set (created empty on first use). */
  table(companyId: string, set: EntitySet): Map<string, Stored> {
    const company = this.#companies.get(companyId)
    if (!company) throw new Error(`the fake has no company ${companyId}`)
    let rows = company.get(set)
    if (!rows) {
      rows = new Map()
      company.set(set, rows)
    }
    return rows
  }

  get(companyId: string, set: EntitySet, id: string): Stored | undefined {
    return this.table(companyId, set).get(id.toLowerCase())
  }

  all(companyId: string, set: EntitySet): Stored[] {
    return [...this.table(companyId, set).values()]
  }

  etag(stored: Stored): string {
    return etagOf(stored.version, stored.seed)
  }

  /** Lines of a document, by `sequence`. */
  linesOf(companyId: string, documentSet: EntitySet, documentId: string): Stored[] {
    const lineSet = LINE_SETS[documentSet]
    if (!lineSet) return []
    return this.all(companyId, lineSet)
      .filter((line) => line.row.documentId === documentId)
      .sort((a, b) => Number(a.row.sequence) - Number(b.row.sequence))
  }

  /** Stores a new entity (a new id unless the row has one). */
  insert(companyId: string, set: EntitySet, row: Row, options: WriteOptions = {}): Stored {
    const id = typeof row.id === 'string' ? row.id.toLowerCase() : randomUUID()
    const stored: Stored = { id, set, row: { ...row, id }, version: 1, seed: ++this.#seeds }
    this.#stamp(stored, options.at)
    this.table(companyId, set).set(id, stored)
    this.#changed(companyId, stored, 'created', options)
    return stored
  }

  /** Changes fields of an entity (a new version; a line's document changes too). */
  update(companyId: string, set: EntitySet, id: string, patch: Row, options: WriteOptions = {}): Stored {
    const stored = this.get(companyId, set, id)
    if (!stored) throw new Error(`the fake has no ${set} ${id} in company ${companyId}`)
    stored.row = { ...stored.row, ...patch }
    stored.version += 1
    this.#stamp(stored, options.at)
    this.#changed(companyId, stored, 'updated', options)
    return stored
  }

  /** Sets an attachment's bytes (a new version). */
  setContent(companyId: string, id: string, content: Buffer): Stored {
    const stored = this.update(companyId, 'documentAttachments', id, { byteSize: content.length })
    stored.content = content
    return stored
  }

  delete(companyId: string, set: EntitySet, id: string, options: WriteOptions = {}): void {
    const stored = this.get(companyId, set, id)
    if (!stored) return
    for (const line of this.linesOf(companyId, set, stored.id)) this.table(companyId, line.set).delete(line.id)
    this.table(companyId, set).delete(stored.id)
    this.#changed(companyId, stored, 'deleted', options)
  }

  #stamp(stored: Stored, at: string | undefined): void {
    if (ENTITIES[stored.set].field.has('lastModifiedDateTime')) stored.row.lastModifiedDateTime = at ?? this.tick()
  }

  #changed(companyId: string, stored: Stored, changeType: ChangeType, options: WriteOptions): void {
    const documentSet = DOCUMENT_OF_LINES[stored.set]
    if (documentSet) {
      // BC notifies (and stamps) the document when one of its lines changes.
      const document = this.get(companyId, documentSet, String(stored.row.documentId))
      if (document) this.update(companyId, documentSet, document.id, {}, options)
      return
    }
    if (options.notify === false) return
    const at = String(stored.row.lastModifiedDateTime ?? this.tick())
    for (const listener of this.#listeners) listener({ companyId, set: stored.set, id: stored.id, changeType, at })
  }
}
