/**
 * The invoice metadata query with KSeF's paging rule: while `hasMore` and not `isTruncated`, the next page offset;
 * when `isTruncated` (10,000 records per filter set), move the range start to the last record's date and start
 * again at offset 0, dropping the records seen twice at the seam.
 *
 * @module
 */
import { KsefPermanentError } from '../errors/ksef-error.ts'
import type { CallOptions, KsefHttp } from '../http/ksef-http.ts'
import { OPERATIONS } from '../http/operations.ts'
import { type InvoiceMetadata, type InvoiceQueryFilters, parseJsonWithAmounts, recordDate } from './metadata.ts'

/** One answer of `POST /invoices/query/metadata`. */
export interface MetadataPage {
  readonly hasMore: boolean
  readonly isTruncated: boolean
  readonly permanentStorageHwmDate?: string | null
  readonly invoices: readonly InvoiceMetadata[]
}

/** Options of the query. */
export interface MetadataQueryOptions extends CallOptions {
  /** 10..250; 250 by default (the hourly budget is 20 calls). */
  readonly pageSize?: number
  readonly sortOrder?: 'Asc' | 'Desc'
  /** Stop after this many pages (a budget guard); unlimited by default. */
  readonly maxPages?: number
}

/** What a full query found. */
export interface MetadataQueryResult {
  readonly invoices: InvoiceMetadata[]
  /** The permanent-storage high-water mark of the last page: the `from` of the next incremental query. */
  readonly permanentStorageHwmDate: string | undefined
  readonly pages: number
  /** False when `maxPages` stopped the query before the end. */
  readonly complete: boolean
}

/**
 * One page.
 *
 * @example
 * ```ts
 * const page = await queryMetadataPage(http, filters, 0, { pageSize: 100 })
 * ```
 */
export async function queryMetadataPage(
  http: KsefHttp,
  filters: InvoiceQueryFilters,
  pageOffset: number,
  options: MetadataQueryOptions = {},
): Promise<MetadataPage> {
  const response = await http.call(OPERATIONS.queryMetadata, {
    ...options,
    query: { pageOffset, pageSize: options.pageSize ?? 250, sortOrder: options.sortOrder ?? 'Asc' },
    json: filters,
  })
  return parseJsonWithAmounts<MetadataPage>(response.body.toString('utf8'))
}

/**
 * Every invoice matching the filters, following the paging rule, each KSeF number once.
 *
 * @example
 * ```ts
 * const { invoices, permanentStorageHwmDate } = await queryInvoiceMetadata(http, {
 *   subjectType: 'Subject2',
 *   dateRange: { dateType: 'PermanentStorage', from: lastHwm, restrictToPermanentStorageHwmDate: true },
 * })
 * ```
 */
export async function queryInvoiceMetadata(
  http: KsefHttp,
  filters: InvoiceQueryFilters,
  options: MetadataQueryOptions = {},
): Promise<MetadataQueryResult> {
  const descending = options.sortOrder === 'Desc'
  const seen = new Set<string>()
  const invoices: InvoiceMetadata[] = []
  let current = filters
  let pageOffset = 0
  let pages = 0
  let hwm: string | undefined
  for (;;) {
    if (options.maxPages !== undefined && pages >= options.maxPages) {
      return { invoices, permanentStorageHwmDate: hwm, pages, complete: false }
    }
    const page = await queryMetadataPage(http, current, pageOffset, options)
    pages += 1
    hwm = page.permanentStorageHwmDate ?? hwm
    for (const invoice of page.invoices) {
      if (seen.has(invoice.ksefNumber)) continue
      seen.add(invoice.ksefNumber)
      invoices.push(invoice)
    }
    if (!page.hasMore) return { invoices, permanentStorageHwmDate: hwm, pages, complete: true }
    if (!page.isTruncated) {
      pageOffset += 1
      continue
    }
    const last = page.invoices[page.invoices.length - 1]
    if (!last) return { invoices, permanentStorageHwmDate: hwm, pages, complete: true }
    const boundary = recordDate(last, current.dateRange.dateType)
    const range = current.dateRange
    const unchanged = descending ? range.to === boundary : range.from === boundary
    if (unchanged) {
      throw new KsefPermanentError({
        code: 'QUERY_CANNOT_ADVANCE',
        operation: 'queryMetadata',
        message: `more than 10,000 invoices share the date ${boundary}: narrow the filters`,
      })
    }
    current = { ...current, dateRange: descending ? { ...range, to: boundary } : { ...range, from: boundary } }
    pageOffset = 0
  }
}
