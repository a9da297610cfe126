/**
 * A submission's source reference (the document's id in the system it came from) is stored as text and is part of
 * the document's identity: it must be text PostgreSQL can store. PostgreSQL refuses U+0000 in text; a request that
 * carried one failed in the database, and, group-committed, failed the requests written with it.
 *
 * @module
 */

/** The longest source reference. */
export const SOURCE_REF_MAX_LENGTH = 200

/**
 * What is wrong with a source reference, or `undefined` when it is fine.
 *
 * @example
 * ```ts
 * sourceRefProblem('ERP-42') // undefined
 * sourceRefProblem('ERP\u000042') // 'must not contain U+0000 (a zero byte)'
 * ```
 */
export function sourceRefProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length < 1 || value.length > SOURCE_REF_MAX_LENGTH) {
    return `must be a string of 1-${SOURCE_REF_MAX_LENGTH} characters`
  }
  if (value.includes('\u0000')) return 'must not contain U+0000 (a zero byte)'
  return undefined
}
