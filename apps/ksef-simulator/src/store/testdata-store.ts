/**
 * Persistence of TEST-only data: test subjects and persons, attachment opt-ins, blocked contexts, and
 * per-context settings (session limits, rate limits).
 *
 * @module
 */
import type { Database } from './database.ts'

/** Kinds of test data entries. */
export type TestDataKind = 'subject' | 'person' | 'attachment' | 'blocked-context'

/**
 * The test data and per-context settings tables.
 *
 * @example
 * ```ts
 * new TestDataStore(db).put('attachment', '5265877635', { nip: '5265877635' })
 * ```
 */
export class TestDataStore {
  readonly #db: Database
  constructor(db: Database) {
    this.#db = db
  }

  get<T>(kind: TestDataKind, key: string): T | undefined {
    const row = this.#db.get<{ body: string }>('SELECT body FROM testdata WHERE kind = ? AND key = ?', kind, key)
    return row ? (JSON.parse(row.body) as T) : undefined
  }

  put(kind: TestDataKind, key: string, body: unknown): void {
    this.#db.run('INSERT OR REPLACE INTO testdata(kind, key, body) VALUES (?, ?, ?)', kind, key, JSON.stringify(body))
  }

  remove(kind: TestDataKind, key: string): void {
    this.#db.run('DELETE FROM testdata WHERE kind = ? AND key = ?', kind, key)
  }

  /** A per-context setting (`rate-limits`, `session-limits`, `certificate-limits`). */
  setting<T>(context: string, kind: string): T | undefined {
    const row = this.#db.get<{ body: string }>(
      'SELECT body FROM context_settings WHERE context = ? AND kind = ?',
      context,
      kind,
    )
    return row ? (JSON.parse(row.body) as T) : undefined
  }

  setSetting(context: string, kind: string, body: unknown): void {
    this.#db.run(
      'INSERT OR REPLACE INTO context_settings(context, kind, body) VALUES (?, ?, ?)',
      context,
      kind,
      JSON.stringify(body),
    )
  }

  clearSetting(context: string, kind: string): void {
    this.#db.run('DELETE FROM context_settings WHERE context = ? AND kind = ?', context, kind)
  }
}
