/**
 * The creation time of a JSON submission (`header.createdAt`, FA(3) `DataWytworzeniaFa`): KSeF wants the time the
 * XML was produced, so the hub fills it in when the client left it out.
 *
 * @module
 */

/**
 * A creation time as the model writes it: UTC, whole seconds.
 *
 * @example
 * ```ts
 * createdAtOf(new Date('2026-12-07T05:00:00.123Z')) // '2026-12-07T05:00:00Z'
 * ```
 */
export function createdAtOf(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/**
 * The submitted model with `header.createdAt` set to `createdAt` when the client left it out; anything else
 * (including input that is not an object, which the model check then refuses) comes back as it is.
 *
 * @example
 * ```ts
 * withDefaultHeader({ seller, buyer, details }, createdAtOf(new Date())).header.createdAt // now
 * ```
 */
export function withDefaultHeader(input: unknown, createdAt: string): unknown {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input
  const record = input as Record<string, unknown>
  const header = record.header ?? {}
  if (typeof header !== 'object' || header === null || (header as Record<string, unknown>).createdAt !== undefined) {
    return input
  }
  return { ...record, header: { ...header, createdAt } }
}
