/**
 * Statuses of sessions and of invoices in them, the paged invoice lists of a session (accepted and failed), and
 * an invoice's outcome in the error family's terms.
 *
 * @module
 */
import { classifyInvoiceStatus } from '../errors/ksef-codes.ts'
import { type KsefDuplicateError, type KsefError, makeKsefError } from '../errors/ksef-error.ts'
import type { CallOptions, KsefHttp } from '../http/ksef-http.ts'
import { OPERATIONS } from '../http/operations.ts'

/** `StatusInfo` / `InvoiceStatusInfo`. */
export interface StatusInfo {
  readonly code: number
  readonly description: string
  readonly details?: readonly string[] | null
  readonly extensions?: Readonly<Record<string, string | null>> | null
}

/** One page of a session UPO. */
export interface UpoPageRef {
  readonly referenceNumber: string
  readonly downloadUrl: string
  readonly downloadUrlExpirationDate: string
}

/** `SessionStatusResponse`. */
export interface SessionStatus {
  readonly status: StatusInfo
  readonly dateCreated: string
  readonly dateUpdated: string
  readonly validUntil?: string | null
  readonly upo?: { readonly pages: readonly UpoPageRef[] } | null
  readonly invoiceCount?: number | null
  readonly successfulInvoiceCount?: number | null
  readonly failedInvoiceCount?: number | null
}

/** `SessionInvoiceStatusResponse`. */
export interface SessionInvoiceStatus {
  readonly ordinalNumber: number
  readonly invoiceNumber?: string | null
  readonly ksefNumber?: string | null
  readonly referenceNumber: string
  readonly invoiceHash: string
  readonly invoiceFileName?: string | null
  readonly acquisitionDate?: string | null
  readonly invoicingDate: string
  readonly permanentStorageDate?: string | null
  readonly upoDownloadUrl?: string | null
  readonly upoDownloadUrlExpirationDate?: string | null
  readonly invoicingMode?: 'Online' | 'Offline' | null
  readonly status: StatusInfo
}

/** Where an invoice stands, in terms a pipeline acts on. */
export type InvoiceOutcome =
  | { readonly kind: 'pending'; readonly status: SessionInvoiceStatus }
  | { readonly kind: 'accepted'; readonly ksefNumber: string; readonly status: SessionInvoiceStatus }
  | {
      readonly kind: 'duplicate'
      readonly originalKsefNumber: string | undefined
      readonly originalSessionReferenceNumber: string | undefined
      readonly error: KsefDuplicateError
      readonly status: SessionInvoiceStatus
    }
  | { readonly kind: 'failed'; readonly error: KsefError; readonly status: SessionInvoiceStatus }

/**
 * Reads an invoice status as an outcome. A 200 without a KSeF number stays pending (it cannot be used yet).
 *
 * @example
 * ```ts
 * const outcome = invoiceOutcome(status)
 * if (outcome.kind === 'duplicate') adopt(outcome.originalKsefNumber)
 * ```
 */
export function invoiceOutcome(status: SessionInvoiceStatus): InvoiceOutcome {
  const kind = classifyInvoiceStatus(status.status.code)
  if (kind === 'pending') return { kind: 'pending', status }
  if (kind === 'accepted') {
    return status.ksefNumber ? { kind: 'accepted', ksefNumber: status.ksefNumber, status } : { kind: 'pending', status }
  }
  const details = status.status.details ?? []
  const extensions = status.status.extensions ?? {}
  const originalKsefNumber = extensions.originalKsefNumber ?? undefined
  const originalSessionReferenceNumber = extensions.originalSessionReferenceNumber ?? undefined
  const error = makeKsefError(kind, {
    code: String(status.status.code),
    ksefCode: status.status.code,
    operation: 'invoiceStatus',
    details,
    message: `invoice ${status.referenceNumber}: ${status.status.code} ${status.status.description}${details.length ? ` (${details.join('; ')})` : ''}`,
    ...(originalKsefNumber ? { originalKsefNumber } : {}),
    ...(originalSessionReferenceNumber ? { originalSessionReferenceNumber } : {}),
  })
  if (kind === 'duplicate') {
    return {
      kind: 'duplicate',
      originalKsefNumber,
      originalSessionReferenceNumber,
      error: error as KsefDuplicateError,
      status,
    }
  }
  return { kind: 'failed', error, status }
}

/**
 * `GET /sessions/{ref}`.
 *
 * @example
 * ```ts
 * const status = await getSessionStatus(http, sessionReferenceNumber)
 * ```
 */
export async function getSessionStatus(
  http: KsefHttp,
  referenceNumber: string,
  options: CallOptions = {},
): Promise<SessionStatus> {
  const response = await http.call(OPERATIONS.sessionStatus, { ...options, pathParams: { referenceNumber } })
  return http.json<SessionStatus>(response, OPERATIONS.sessionStatus)
}

/**
 * `GET /sessions/{ref}/invoices/{invoiceRef}`.
 *
 * @example
 * ```ts
 * const status = await getInvoiceStatus(http, sessionReferenceNumber, invoiceReferenceNumber)
 * ```
 */
export async function getInvoiceStatus(
  http: KsefHttp,
  sessionReferenceNumber: string,
  invoiceReferenceNumber: string,
  options: CallOptions = {},
): Promise<SessionInvoiceStatus> {
  const response = await http.call(OPERATIONS.invoiceStatus, {
    ...options,
    pathParams: { referenceNumber: sessionReferenceNumber, invoiceReferenceNumber },
  })
  return http.json<SessionInvoiceStatus>(response, OPERATIONS.invoiceStatus)
}

/** Options of the paged lists. */
export interface ListOptions extends CallOptions {
  /** 10..1000; 1000 by default (fewer calls against a 20-per-minute budget). */
  readonly pageSize?: number
}

/**
 * Every invoice of a session (`/invoices`) or only the failed ones (`/invoices/failed`), following
 * `x-continuation-token` until the last page.
 *
 * @example
 * ```ts
 * for await (const invoice of listSessionInvoices(http, ref, 'failed')) console.log(invoice.status.code)
 * ```
 */
export async function* listSessionInvoices(
  http: KsefHttp,
  referenceNumber: string,
  which: 'all' | 'failed',
  options: ListOptions = {},
): AsyncGenerator<SessionInvoiceStatus> {
  const operation = which === 'all' ? OPERATIONS.sessionInvoices : OPERATIONS.sessionFailedInvoices
  let continuationToken: string | undefined
  const seen = new Set<string>()
  for (;;) {
    const response = await http.call(operation, {
      ...options,
      pathParams: { referenceNumber },
      query: { pageSize: options.pageSize ?? 1000 },
      headers: { 'x-continuation-token': continuationToken },
    })
    const page = http.json<{ continuationToken?: string | null; invoices: SessionInvoiceStatus[] }>(response, operation)
    for (const invoice of page.invoices) yield invoice
    const next = page.continuationToken ?? undefined
    if (!next || page.invoices.length === 0 || seen.has(next)) return
    seen.add(next)
    continuationToken = next
  }
}

/**
 * Merges both lists into one status per invoice (the failed list wins on conflicts), ordered by ordinal number.
 *
 * @example
 * ```ts
 * const results = await sessionInvoiceResults(http, batchReferenceNumber)
 * ```
 */
export async function sessionInvoiceResults(
  http: KsefHttp,
  referenceNumber: string,
  options: ListOptions = {},
): Promise<SessionInvoiceStatus[]> {
  const byReference = new Map<string, SessionInvoiceStatus>()
  for await (const invoice of listSessionInvoices(http, referenceNumber, 'all', options)) {
    byReference.set(invoice.referenceNumber, invoice)
  }
  for await (const invoice of listSessionInvoices(http, referenceNumber, 'failed', options)) {
    byReference.set(invoice.referenceNumber, invoice)
  }
  return [...byReference.values()].sort((a, b) => a.ordinalNumber - b.ordinalNumber)
}
