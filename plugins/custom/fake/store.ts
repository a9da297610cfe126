/**
 * The fake source's state: documents ordered by (updatedAt, id), a clock that never gives two changes the same
 * instant, keyset page tokens, and the count of every KSeF number written into every document (the effects a
 * write-back must produce exactly once).
 *
 * @module
 */
import type { FakeDocument, FakeKsefFields } from './types.ts'

/** A page of the list. */
export interface ListPage {
  readonly items: readonly FakeDocument[]
  readonly nextCursor: string | null
}

/**
 * A list request that cannot be answered (a 400).
 *
 * @example
 * ```ts
 * throw new BadRequest('cursor is not a page token of this API')
 * ```
 */
export class BadRequest extends Error {}

/** The position after a document, as a page token: opaque to clients, stable across restarts of a traversal. */
function tokenOf(document: FakeDocument): string {
  return Buffer.from(JSON.stringify([document.updatedAt, document.id])).toString('base64url')
}

function positionOf(token: string): readonly [string, string] {
  try {
    const position = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown
    if (Array.isArray(position) && position.length === 2 && position.every((part) => typeof part === 'string')) {
      return position as [string, string]
    }
  } catch {}
  throw new BadRequest('cursor is not a page token of this API')
}

const byChange = (a: FakeDocument, b: FakeDocument) =>
  a.updatedAt < b.updatedAt ? -1 : a.updatedAt > b.updatedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0

/**
 * The fake's documents.
 *
 * @example
 * ```ts
 * const store = new Store()
 * const page = store.list(undefined, undefined, 50) // { items, nextCursor }
 * ```
 */
export class Store {
  readonly #documents = new Map<string, FakeDocument>()
  readonly #writes = new Map<string, Map<string, number>>()
  #last = 0

  /** A change time later than every earlier one (ISO 8601, UTC, ms): two changes never share an instant. */
  tick(): string {
    this.#last = Math.max(Date.now(), this.#last + 1)
    return new Date(this.#last).toISOString()
  }

  put(document: FakeDocument): void {
    this.#documents.set(document.id, document)
  }

  get(id: string): FakeDocument | undefined {
    return this.#documents.get(id)
  }

  all(): FakeDocument[] {
    return [...this.#documents.values()].sort(byChange)
  }

  /** Documents changed at or after `since`, after the page token's position, in (updatedAt, id) order. */
  list(since: string | undefined, cursor: string | undefined, limit: number): ListPage {
    const after = cursor ? positionOf(cursor) : undefined
    const from = since === undefined ? undefined : new Date(since).toISOString()
    const matching = this.all().filter(
      (document) =>
        (from === undefined || document.updatedAt >= from) &&
        (after === undefined ||
          document.updatedAt > after[0] ||
          (document.updatedAt === after[0] && document.id > after[1])),
    )
    const items = matching.slice(0, limit)
    const last = items.at(-1)
    return { items, nextCursor: matching.length > limit && last ? tokenOf(last) : null }
  }

  /** Marks a document changed (it is listed again after every earlier change). */
  touch(id: string): FakeDocument {
    const document = this.#documents.get(id)
    if (!document) throw new Error(`the fake source has no document ${id}`)
    const touched = { ...document, updatedAt: this.tick() }
    this.#documents.set(id, touched)
    return touched
  }

  /** Writes KSeF fields into a document (a change: it is listed again), counting the effect. */
  writeKsef(id: string, fields: Omit<FakeKsefFields, 'upoAttached'> & { readonly upo?: string }): FakeDocument {
    const document = this.#documents.get(id)
    if (!document) throw new Error(`the fake source has no document ${id}`)
    const ksef: FakeKsefFields = {
      number: fields.number,
      acquisitionDate: fields.acquisitionDate,
      verificationUrl: fields.verificationUrl,
      upoAttached: fields.upo !== undefined || document.ksef.upoAttached,
    }
    const written = { ...document, ksef, updatedAt: this.tick() }
    this.#documents.set(id, written)
    if (fields.number !== null) {
      const counts = this.#writes.get(id) ?? new Map<string, number>()
      counts.set(fields.number, (counts.get(fields.number) ?? 0) + 1)
      this.#writes.set(id, counts)
    }
    return written
  }

  /** How many times `ksefNumber` (or any KSeF number) was written into document `id`. */
  writes(id: string, ksefNumber?: string): number {
    const counts = this.#writes.get(id)
    if (!counts) return 0
    if (ksefNumber !== undefined) return counts.get(ksefNumber) ?? 0
    return [...counts.values()].reduce((sum, count) => sum + count, 0)
  }

  /** Every document's write count (documents never written are left out). */
  writeCounts(): Map<string, number> {
    return new Map([...this.#writes.keys()].map((id) => [id, this.writes(id)]))
  }
}
