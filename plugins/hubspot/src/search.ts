/**
 * HubSpot's invoice search as the pull uses it: changed at or after an instant, oldest change first, paced by
 * search's own limit, and settled. HubSpot's search is an index filled after the write (VERIFY how long, and
 * whether in order): a change the index has not taken yet while a later one is already found would be passed by
 * the cursor and never read. So a page whose newest change is younger than `pull.settleSeconds` by HubSpot's clock
 * (its answer's `Date`) waits that long, searches again, and reads no further than that newest change, every
 * change up to which the index holds by then.
 *
 * @module
 */
import type { PublicObjectSearchRequest } from '@hubspot/api-client/lib/codegen/crm/commerce/invoices/index.js'
import type { Changed } from './cursor.ts'
import { type CrmObject, plain } from './document-data.ts'
import { type HubSpotContext, hubspot } from './hubspot.ts'
import { invoicePropertiesOf } from './settings.ts'
import { instantOf } from './warsaw.ts'

/** A page of search results: the invoices, their change instants, and where the search goes on. */
export interface SearchPage {
  readonly records: readonly CrmObject[]
  readonly changed: readonly Changed[]
  /** `paging.next.after`; `undefined` when the search has no more (or the page was cut at a settled change). */
  readonly next: string | undefined
  /** Whether results past the settled change were left for a later page. */
  readonly cut: boolean
}

/** When each job's HTTP client last searched: pacing only (a new job starts unpaced), never correctness. */
const lastSearch = new WeakMap<object, number>()

/** Waits `ms`, ended by the job's signal. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted()
  return new Promise<void>((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop)
      resolve()
    }, ms)
    signal.addEventListener('abort', stop, { once: true })
  })
}

/**
 * The search of invoices changed at or after `from` (epoch ms), oldest change first.
 *
 * @example
 * ```ts
 * searchRequest(context, 1764547200000, undefined)
 * // { filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: '1764547200000' }] }], … }
 * ```
 */
export function searchRequest(
  context: HubSpotContext,
  from: number,
  after: string | undefined,
  limit = context.settings.pull.pageSize,
): PublicObjectSearchRequest {
  return {
    filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: String(from) }] }],
    // HubSpot takes sorting rules as objects; the SDK's model types them as strings, and sends them as given.
    sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' } as unknown as string],
    properties: invoicePropertiesOf(context.settings),
    limit,
    after: after ?? '0',
  } as PublicObjectSearchRequest
}

async function searchOnce(context: HubSpotContext, from: number, after: string | undefined, limit: number) {
  const gap = 1_000 / context.settings.limits.searchPerSecond
  const wait = (lastSearch.get(context.http) ?? 0) + gap - Date.now()
  if (wait > 0) await pause(wait, context.signal)
  lastSearch.set(context.http, Date.now())
  const answer = await hubspot(context, 'search invoices', (apis) =>
    apis.invoices.search.doSearchWithHttpInfo(searchRequest(context, from, after, limit)),
  )
  const records = answer.data.results.map(plain)
  // An invoice without a change instant (HubSpot always sets one) sorts as the search's start.
  const changed = records.map((record) => ({
    id: record.id,
    at: instantOf(record.properties.hs_lastmodifieddate) ?? from,
  }))
  const date = Date.parse(answer.headers.date ?? '')
  return { records, changed, next: answer.data.paging?.next?.after, answeredAt: Number.isNaN(date) ? undefined : date }
}

/**
 * One settled page of the search of invoices changed at or after `from`.
 *
 * @example
 * ```ts
 * const page = await settledSearch(context, cursor.since ?? 0, cursor.after, 100)
 * ```
 */
export async function settledSearch(
  context: HubSpotContext,
  from: number,
  after: string | undefined,
  limit: number,
): Promise<SearchPage> {
  const first = await searchOnce(context, from, after, limit)
  const settleMs = context.settings.pull.settleSeconds * 1_000
  const newest = first.changed.at(-1)?.at
  const young = newest !== undefined && !(first.answeredAt !== undefined && first.answeredAt - newest >= settleMs)
  if (settleMs === 0 || !young) return { ...first, cut: false }
  await pause(settleMs, context.signal)
  const again = await searchOnce(context, from, after, limit)
  const kept = again.changed.findIndex((result) => result.at > newest)
  if (kept < 0) return { ...again, cut: false }
  return { records: again.records.slice(0, kept), changed: again.changed.slice(0, kept), next: undefined, cut: true }
}
