/**
 * The shape of a migration: a name that sorts in order and the statements that apply it, one per entry
 * (PGlite runs one statement per query on the extended protocol).
 *
 * @module
 */

/** A versioned schema change. */
export interface Migration {
  /** `NNNN-description`; migrations run in name order. */
  readonly name: string
  readonly up: readonly string[]
}
