/**
 * Where a pull stands: the latest `hs_lastmodifieddate` read (epoch milliseconds), the ids read at exactly that
 * instant (so invoices changed at one instant are neither lost at a page's edge nor read twice), and, while more
 * invoices share that instant than a page holds, the search's `after` within it.
 *
 * Each page searches again from the latest instant read ("changed at or after", oldest first) instead of paging
 * one search with `after`: search's `after` is an offset, and an invoice edited while the pages are read moves to
 * the end of the results and shifts the next one past the offset, unseen. Only an instant fuller than a page is
 * paged with `after`, and search answers at most 10,000 results, so the cursor never carries an offset past it.
 *
 * @module
 */
import { ConnectorError } from '@ksef-hub/connector-sdk'
import { z } from 'zod'

/** Search never answers past its 10,000th result. */
export const SEARCH_CAP = 10_000

/** The pull's cursor. */
export const cursorSchema = z.object({
  /** The latest change read (epoch ms). */
  since: z.int().min(0).optional(),
  /** Ids of the invoices read whose change is exactly `since`. */
  seen: z.array(z.string()).default([]),
  /** Search's `after` within the instant `since`, while it holds more invoices than a page. */
  after: z.string().optional(),
})

/** The pull's cursor. */
export type Cursor = z.output<typeof cursorSchema>

/** A search result: its id and change instant. */
export interface Changed {
  readonly id: string
  readonly at: number
}

/**
 * The cursor after a page of results (oldest change first), and the results not read before.
 *
 * @param from the instant the page's search started at (its `GTE`): an `after` counts from there
 * @param next the search's `paging.next.after` (`undefined`: the search has no more results)
 * @throws `ConnectorError('validation')` when one instant holds more invoices than search can page through
 * @example
 * ```ts
 * advance({ seen: [] }, [{ id: 'a', at: 1000 }, { id: 'b', at: 2000 }], { pageSize: 2, from: 0, next: '2' })
 * // { cursor: { since: 2000, seen: ['b'] }, fresh: [a, b] }
 * ```
 */
export function advance(
  cursor: Cursor,
  results: readonly Changed[],
  page: { readonly pageSize: number; readonly from: number; readonly next: string | undefined },
): { cursor: Cursor; fresh: Changed[] } {
  const { pageSize, from, next } = page
  let since = cursor.since
  let seen = [...cursor.seen]
  const fresh: Changed[] = []
  for (const result of results) {
    if (since !== undefined && result.at < since) continue // already read (a search from an older instant)
    if (result.at === since && seen.includes(result.id)) continue
    fresh.push(result)
    if (since === undefined || result.at > since) {
      since = result.at
      seen = [result.id]
    } else {
      seen.push(result.id)
    }
  }
  // The next page searches from `since`: an `after` is carried only when that is where this page's search started.
  const saturated =
    next !== undefined && since === from && results.length > 0 && results.every((result) => result.at === since)
  if (saturated && Number(next) + pageSize > SEARCH_CAP) {
    throw new ConnectorError(
      'validation',
      `HubSpot holds over ${SEARCH_CAP} invoices changed at one instant (${new Date(since ?? 0).toISOString()}): search cannot page through them`,
    )
  }
  return {
    cursor: { ...(since !== undefined ? { since } : {}), seen, ...(saturated ? { after: next } : {}) },
    fresh,
  }
}
