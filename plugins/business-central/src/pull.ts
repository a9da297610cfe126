/**
 * Pulling changed sales documents. A cycle walks the connection's streams (each company's invoices, then its credit
 * memos): for each, BC's listing of documents changed since the stream's latest change (inclusive, so a document
 * changed at that same instant is not lost; the ids already read at it are left out, so none is read twice),
 * oldest change first, with lines and customer expanded, one BC page per hub page, following `@odata.nextLink`.
 * The hub saves the cursor after each page's documents are stored: a crash reads the page again, never skips one.
 * At a cycle's start the webhook subscriptions are kept alive (`subscriptions.ts`).
 *
 * @module
 */
import {
  ConnectorError,
  isConnectorError,
  type PullPage,
  type SourceDocument,
  warsawMidnight,
} from '@ksef-hub/connector-sdk'
import { type BcContext, bc, bcJson, parseAnswer } from './bc-client.ts'
import { advance, type Cursor, instantOf, type Stream, type StreamState, streamKey, streamsOf } from './cursor.ts'
import { enrich } from './enrich.ts'
import { listOf, type SalesDocumentRecord, salesDocumentRecord } from './records.ts'
import { odataQuery, parseRef } from './refs.ts'
import { maintainSubscriptions } from './subscriptions.ts'

const LINES = { salesInvoices: 'salesInvoiceLines', salesCreditMemos: 'salesCreditMemoLines' } as const

/**
 * The first page of a stream's listing: documents changed since `since` (inclusive), oldest change first.
 *
 * @example
 * ```ts
 * listingUrl({ companyId: 'f64e…', kind: 'salesInvoices' }, '2026-11-20T10:15:30.123Z')
 * // "/companies(f64e…)/salesInvoices?$filter=lastModifiedDateTime%20ge%202026-11-20T10%3A15%3A30.123Z&…"
 * ```
 */
export function listingUrl(stream: Stream, since: string | undefined): string {
  return `/companies(${stream.companyId})/${stream.kind}${odataQuery({
    $filter: since !== undefined ? `lastModifiedDateTime ge ${since}` : undefined,
    $orderby: 'lastModifiedDateTime',
    $expand: `${LINES[stream.kind]},customer`,
  })}`
}

/**
 * One sales document read again, as a page gives it (with its customer, and what its mapping needs), or
 * `undefined` when BC no longer has it: what a retry reads after an accountant fixed the customer's NIP, which
 * changes no posted document (so no pull would find it changed).
 *
 * @example
 * ```ts
 * const document = await readDocument(context, 'companies(f64e…)/salesInvoices(5d11…)')
 * ```
 */
export async function readDocument(context: BcContext, ref: string): Promise<SourceDocument | undefined> {
  const parts = parseRef(ref)
  if (!parts || parts.kind === 'purchaseInvoices') return undefined
  const url = `/companies(${parts.companyId})/${parts.kind}(${parts.id})${odataQuery({ $expand: `${LINES[parts.kind]},customer` })}`
  let record: SalesDocumentRecord
  try {
    record = await bcJson(context, { url }, salesDocumentRecord)
  } catch (error) {
    if (isConnectorError(error) && error.kind === 'not_found') return undefined
    throw error
  }
  const [document] = await enrich(context, parts.companyId, parts.kind, [record])
  return document
}

/** Where a stream starts on the first pull ever: the KSeF start date (nothing changed before it is for KSeF). */
function startOf(context: BcContext): string | undefined {
  const start = context.settings.ksefStartDate
  return start ? warsawMidnight(start).toISOString() : undefined
}

/** One BC page of a stream: its new documents and the stream's state after it. */
async function readPage(
  context: BcContext,
  stream: Stream,
  state: StreamState | undefined,
): Promise<{ documents: SourceDocument[]; state: StreamState }> {
  const since = state?.since ?? startOf(context)
  const seen = state?.seen ?? []
  const headers = { prefer: `odata.maxpagesize=${context.settings.pull.pageSize}` }
  let response: Awaited<ReturnType<typeof bc>>
  try {
    response = await bc(context, { url: state?.next ?? listingUrl(stream, since), headers })
  } catch (error) {
    // A next link BC no longer knows (its skip token expired): the stream starts again from its latest change.
    if (!state?.next || !isConnectorError(error) || !['validation', 'not_found'].includes(error.kind)) throw error
    context.logger.warn(
      { stream: streamKey(stream) },
      'Business Central refused a next link: reading from the latest change',
    )
    response = await bc(context, { url: listingUrl(stream, since), headers })
  }
  const page = parseAnswer(listOf(salesDocumentRecord), response.json(), `GET ${stream.kind}`)
  const latest = instantOf(state?.since)
  const fresh = page.value.filter(
    (record) => !(instantOf(record.lastModifiedDateTime) === latest && seen.includes(record.id.toLowerCase())),
  )
  const link = page['@odata.nextLink']
  const next = link ? new URL(link, response.url).toString() : undefined
  if (next !== undefined && next === state?.next) {
    // A link back to the page just read would have the hub pull the same page for ever.
    throw new ConnectorError('transient', `Business Central answered a next link to the same page of ${stream.kind}`)
  }
  const advanced = advance({ since: state?.since, seen }, page.value)
  return {
    documents: await enrich(context, stream.companyId, stream.kind, fresh),
    state: {
      ...(advanced.since !== undefined ? { since: advanced.since } : since !== undefined ? { since } : {}),
      seen: advanced.seen,
      ...(next ? { next } : {}),
    },
  }
}

/**
 * One page of changed documents.
 *
 * @example
 * ```ts
 * const page = await pullPage(context, undefined) // the first page ever
 * const next = await pullPage(context, page.cursor)
 * ```
 */
export async function pullPage(context: BcContext, cursor: Cursor | undefined): Promise<PullPage<Cursor>> {
  const { settings } = context
  const streams = streamsOf(settings.companies, settings.documents.kinds)
  const keys = new Set(streams.map(streamKey))
  // Streams of companies no longer in the settings are dropped; a company added later starts from the start date.
  const state: Cursor = {
    streams: Object.fromEntries(Object.entries(cursor?.streams ?? {}).filter(([key]) => keys.has(key))),
    subscriptions: cursor?.subscriptions ?? {},
  }
  let index = cursor?.cycle?.index ?? 0
  if (!cursor?.cycle) state.subscriptions = await maintainSubscriptions(context, streams, state.subscriptions)
  const documents: SourceDocument[] = []
  while (index < streams.length) {
    const stream = streams[index] as Stream
    const read = await readPage(context, stream, state.streams[streamKey(stream)])
    state.streams[streamKey(stream)] = read.state
    documents.push(...read.documents)
    if (read.state.next) return { documents, cursor: { ...state, cycle: { index } }, more: true }
    index++
    // A page with documents goes to the hub now; empty listings are walked past within one call.
    if (documents.length > 0 && index < streams.length) {
      return { documents, cursor: { ...state, cycle: { index } }, more: true }
    }
  }
  return { documents, cursor: state, more: false }
}
