/**
 * Where a pull stands, per company and kind of document (a stream): the latest `lastModifiedDateTime` read, the
 * ids read at exactly that instant (so documents changed at one instant are neither lost at a page's edge nor read
 * twice), and BC's `@odata.nextLink` while a stream's listing is being walked. A pull cycle walks the streams in
 * order (`cycle.index`); the webhook subscriptions the pull keeps alive are remembered here too.
 *
 * @module
 */
import { z } from 'zod'
import type { DocumentKind } from './settings-parts.ts'

const streamState = z.object({
  /** The latest change read (BC's own literal, as the next `$filter` repeats it). */
  since: z.string().optional(),
  /** Ids of the documents read whose change is exactly `since`. */
  seen: z.array(z.string()).default([]),
  /** BC's link to the next page of the listing being walked. */
  next: z.string().optional(),
})

const subscriptionState = z.object({
  id: z.string(),
  /** When BC drops it unless renewed (ISO 8601). */
  expiresAt: z.string(),
  notificationUrl: z.string(),
})

/** The pull's cursor. */
export const cursorSchema = z.object({
  streams: z.record(z.string(), streamState).default({}),
  /** The stream a cycle is at; absent between cycles. */
  cycle: z.object({ index: z.int().min(0) }).optional(),
  subscriptions: z.record(z.string(), subscriptionState).default({}),
})

/** The pull's cursor. */
export type Cursor = z.output<typeof cursorSchema>
/** Where one stream stands. */
export type StreamState = z.output<typeof streamState>
/** A subscription kept alive. */
export type SubscriptionState = z.output<typeof subscriptionState>

/** A company's documents of one kind. */
export interface Stream {
  readonly companyId: string
  readonly kind: DocumentKind
}

/**
 * The key of a stream in the cursor.
 *
 * @example
 * ```ts
 * streamKey({ companyId: 'f64e…', kind: 'salesInvoices' }) // 'f64e…/salesInvoices'
 * ```
 */
export function streamKey(stream: Stream): string {
  return `${stream.companyId}/${stream.kind}`
}

/**
 * The streams of a connection, in the order a cycle walks them.
 *
 * @example
 * ```ts
 * streamsOf(['f64e…'], ['salesInvoices', 'salesCreditMemos']) // invoices first, then credit memos
 * ```
 */
export function streamsOf(companies: readonly string[], kinds: readonly DocumentKind[]): Stream[] {
  // Invoices before credit memos: a credit memo's invoice is then taken in first, and the memo waits less.
  const ordered = [...kinds].sort((a, b) => (a === b ? 0 : a === 'salesInvoices' ? -1 : 1))
  return companies.flatMap((companyId) => ordered.map((kind) => ({ companyId: companyId.toLowerCase(), kind })))
}

/**
 * The instant of a BC timestamp, in milliseconds (`NaN` when it is not one).
 *
 * @example
 * ```ts
 * instantOf('2026-11-20T10:15:30.123Z') // 1795169730123
 * ```
 */
export function instantOf(value: string | undefined): number {
  return value === undefined ? Number.NaN : Date.parse(value)
}

/**
 * The stream's state after reading `records` (in BC's order of change): the latest change and the ids read at it.
 *
 * @example
 * ```ts
 * advance({ since: undefined, seen: [] }, [{ id: 'a', lastModifiedDateTime: '2026-11-20T10:00:00Z' }])
 * // { since: '2026-11-20T10:00:00Z', seen: ['a'] }
 * ```
 */
export function advance(
  state: Pick<StreamState, 'since' | 'seen'>,
  records: readonly { id: string; lastModifiedDateTime: string }[],
): { since: string | undefined; seen: string[] } {
  let since = state.since
  let seen = [...state.seen]
  for (const record of records) {
    const at = instantOf(record.lastModifiedDateTime)
    const latest = instantOf(since)
    const id = record.id.toLowerCase()
    if (since === undefined || at > latest) {
      since = record.lastModifiedDateTime
      seen = [id]
    } else if (at === latest && !seen.includes(id)) {
      seen.push(id)
    }
  }
  return { since, seen }
}
