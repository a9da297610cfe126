/**
 * Pulling changed invoices: HubSpot's invoice search by `hs_lastmodifieddate` (at or after the cursor, oldest
 * first; `cursor.ts` says why each page searches again), each page's invoices read whole (`enrich.ts`). The hub
 * saves the cursor after each page's documents are stored: a crash reads the page again, never skips one. A first
 * pull starts at the KSeF start date. Search has its own limit, lower than the burst limit: only the pull searches,
 * one page at a time per connection, spaced by `limits.searchPerSecond`, and settled (`search.ts`).
 *
 * @module
 */
import { isConnectorError, type PullPage, type SourceDocument, warsawMidnight } from '@ksef-hub/connector-sdk'
import { advance, type Cursor } from './cursor.ts'
import { type CrmObject, plain } from './document-data.ts'
import { enrich } from './enrich.ts'
import { type HubSpotContext, hubspot } from './hubspot.ts'
import { settledSearch } from './search.ts'
import { invoicePropertiesOf } from './settings.ts'

/** The largest page search answers. */
const SEARCH_MAX = 200

/** Where the first pull ever starts: the KSeF start date (nothing changed before it is for KSeF). */
function startOf(context: HubSpotContext): number {
  const start = context.settings.ksefStartDate
  return start ? warsawMidnight(start).getTime() : 0
}

/**
 * One page of changed invoices.
 *
 * @example
 * ```ts
 * const page = await pullPage(context, undefined) // the first page ever
 * const next = await pullPage(context, page.cursor)
 * ```
 */
export async function pullPage(context: HubSpotContext, cursor: Cursor | undefined): Promise<PullPage<Cursor>> {
  const state: Cursor = cursor ?? { seen: [] }
  const { pageSize } = context.settings.pull
  const from = state.since ?? startOf(context)
  // A search from the latest instant answers the invoices read at it first: a page that reaches past them.
  const limit = Math.min(SEARCH_MAX, pageSize + (state.after === undefined ? state.seen.length : 0))
  const page = await settledSearch(context, from, state.after, limit)
  const { cursor: advanced, fresh } = advance(state, page.changed, { pageSize: limit, from, next: page.next })
  const ids = new Set(fresh.map((result) => result.id))
  const documents = await enrich(
    context,
    page.records.filter((record) => ids.has(record.id)),
  )
  return { documents, cursor: advanced, more: page.next !== undefined || page.cut }
}

/**
 * One invoice read again, as a page gives it, or `undefined` when HubSpot no longer has it: what a person's retry
 * reads after fixing the company's NIP, which changes no invoice (so no pull would find it changed).
 *
 * @example
 * ```ts
 * const document = await readDocument(context, '391820334561')
 * ```
 */
export async function readDocument(context: HubSpotContext, ref: string): Promise<SourceDocument | undefined> {
  if (!/^\d+$/.test(ref)) return undefined
  let invoice: CrmObject
  try {
    invoice = plain(
      await hubspot(context, 'read an invoice', (apis) =>
        apis.invoices.basic.getById(ref, invoicePropertiesOf(context.settings)),
      ),
    )
  } catch (error) {
    if (isConnectorError(error) && error.kind === 'not_found') return undefined
    throw error
  }
  const [document] = await enrich(context, [invoice])
  return document
}
