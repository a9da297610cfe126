/**
 * The simulator's store: one SQLite database (`node:sqlite`, shipped with Node 24). With a data directory it is
 * a file in WAL mode, so every committed change survives a crash or restart; without one it is `:memory:`, so
 * tests and the in-memory mode run exactly the same code.
 *
 * @module
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite'
import { SCHEMA } from './schema.ts'

/** A row as SQLite returns it. */
export type Row = Record<string, SQLInputValue>

/**
 * The open database with a statement cache and transactions.
 *
 * @example
 * ```ts
 * const db = openDatabase({ dataDir: '.data/sim' })
 * db.tx(() => db.run('INSERT INTO meta(key, value) VALUES (?, ?)', 'a', 'b'))
 * ```
 */
export class Database {
  readonly #db: DatabaseSync
  readonly #statements = new Map<string, StatementSync>()
  #depth = 0
  /** Where the data lives (`:memory:` when nothing is persisted). */
  readonly location: string

  constructor(location: string) {
    this.location = location
    this.#db = new DatabaseSync(location)
    if (location !== ':memory:') {
      this.#db.exec('PRAGMA journal_mode = WAL')
      this.#db.exec('PRAGMA synchronous = NORMAL')
    }
    this.#db.exec('PRAGMA foreign_keys = ON')
    this.#db.exec(SCHEMA)
  }

  #statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql)
    if (!statement) {
      statement = this.#db.prepare(sql)
      this.#statements.set(sql, statement)
    }
    return statement
  }

  /** Runs a statement that changes data; returns the number of changed rows. */
  run(sql: string, ...params: SQLInputValue[]): number {
    return Number(this.#statement(sql).run(...params).changes)
  }

  /** The first row of a query, or `undefined`. */
  get<T = Row>(sql: string, ...params: SQLInputValue[]): T | undefined {
    return this.#statement(sql).get(...params) as T | undefined
  }

  /** Every row of a query. */
  all<T = Row>(sql: string, ...params: SQLInputValue[]): T[] {
    return this.#statement(sql).all(...params) as T[]
  }

  /** Runs `fn` in one transaction (nested calls join the outer one). */
  tx<T>(fn: () => T): T {
    if (this.#depth > 0) return fn()
    this.#db.exec('BEGIN IMMEDIATE')
    this.#depth++
    try {
      const result = fn()
      this.#db.exec('COMMIT')
      return result
    } catch (error) {
      this.#db.exec('ROLLBACK')
      throw error
    } finally {
      this.#depth--
    }
  }

  /** Closes the database (the WAL is checkpointed by SQLite). */
  close(): void {
    this.#statements.clear()
    if (this.#db.isOpen) this.#db.close()
  }
}

/**
 * Opens the store: a file under `dataDir`, or memory.
 *
 * @example
 * ```ts
 * const memory = openDatabase({})
 * ```
 */
export function openDatabase(options: { dataDir?: string | undefined }): Database {
  if (!options.dataDir) return new Database(':memory:')
  mkdirSync(options.dataDir, { recursive: true })
  return new Database(join(options.dataDir, 'ksef-simulator.sqlite'))
}

/**
 * `undefined` -> `null` for SQLite parameters.
 *
 * @example
 * ```ts
 * db.run('UPDATE t SET a = ?', nullable(maybe))
 * ```
 */
export function nullable(value: SQLInputValue | undefined): SQLInputValue {
  return value === undefined ? null : value
}
