/**
 * Rate-limit groups (`EffectiveApiRateLimits`): which operations share a budget, and the PRD values of each,
 * taken from the `x-rate-limits` of the operations in the official OpenAPI.
 *
 * @module
 */
import { type RateLimitValues, type SpecOperation, specOperations } from '../http/openapi.ts'

/** The groups of `GET /rate-limits` and `POST /testdata/rate-limits`. */
export const RATE_LIMIT_GROUPS = [
  'onlineSession',
  'batchSession',
  'invoiceSend',
  'invoiceStatus',
  'sessionList',
  'sessionInvoiceList',
  'sessionMisc',
  'invoiceMetadata',
  'invoiceExport',
  'invoiceExportStatus',
  'invoiceDownload',
  'other',
] as const

/** A group of protected operations, or `public` (limited per IP, not per context). */
export type RateLimitGroup = (typeof RATE_LIMIT_GROUPS)[number] | 'public'

/** Full values of a group. */
export interface GroupLimits {
  perSecond: number
  perMinute: number
  perHour: number
}

const BY_OPERATION: Record<string, RateLimitGroup> = {
  'POST /sessions/online': 'onlineSession',
  'POST /sessions/online/{referenceNumber}/close': 'onlineSession',
  'POST /sessions/batch': 'batchSession',
  'POST /sessions/batch/{referenceNumber}/close': 'batchSession',
  'POST /sessions/online/{referenceNumber}/invoices': 'invoiceSend',
  'GET /sessions/{referenceNumber}/invoices/{invoiceReferenceNumber}': 'invoiceStatus',
  'GET /sessions': 'sessionList',
  'GET /sessions/{referenceNumber}/invoices': 'sessionInvoiceList',
  'GET /sessions/{referenceNumber}/invoices/failed': 'sessionInvoiceList',
  'GET /sessions/{referenceNumber}': 'sessionMisc',
  'GET /sessions/{referenceNumber}/invoices/ksef/{ksefNumber}/upo': 'sessionMisc',
  'GET /sessions/{referenceNumber}/invoices/{invoiceReferenceNumber}/upo': 'sessionMisc',
  'GET /sessions/{referenceNumber}/upo/{upoReferenceNumber}': 'sessionMisc',
  'POST /invoices/query/metadata': 'invoiceMetadata',
  'POST /invoices/exports': 'invoiceExport',
  'GET /invoices/exports/{referenceNumber}': 'invoiceExportStatus',
  'GET /invoices/ksef/{ksefNumber}': 'invoiceDownload',
}

/**
 * The group of an operation.
 *
 * @example
 * ```ts
 * groupOf(findOperation('GET', '/sessions')!) // 'sessionList'
 * ```
 */
export function groupOf(operation: SpecOperation): RateLimitGroup {
  // Public endpoints, and the /auth endpoints that take an authentication or refresh token (60/s only).
  if (!operation.secured || operation.rateLimits?.perMinute === undefined) return 'public'
  return BY_OPERATION[operation.id] ?? 'other'
}

function full(values: RateLimitValues | undefined): GroupLimits {
  const perSecond = values?.perSecond ?? 10
  return {
    perSecond,
    perMinute: values?.perMinute ?? perSecond * 60,
    perHour: values?.perHour ?? (values?.perMinute ?? perSecond * 60) * 60,
  }
}

let prd: Record<RateLimitGroup, GroupLimits> | undefined

/**
 * PRD values per group, read from the spec (a group's value is its operations' `x-rate-limits`).
 *
 * @example
 * ```ts
 * prdGroupLimits().invoiceMetadata // { perSecond: 8, perMinute: 16, perHour: 20 }
 * ```
 */
export function prdGroupLimits(): Record<RateLimitGroup, GroupLimits> {
  if (prd) return prd
  const out = {} as Record<RateLimitGroup, GroupLimits>
  for (const operation of specOperations()) {
    const group = groupOf(operation)
    if (group !== 'public' && !out[group]) out[group] = full(operation.rateLimits)
  }
  out.public = { perSecond: 60, perMinute: 3600, perHour: 216_000 }
  for (const group of RATE_LIMIT_GROUPS) out[group] ??= { perSecond: 10, perMinute: 30, perHour: 120 }
  prd = out
  return out
}

/**
 * The limits of one operation at PRD (its own `x-rate-limits`; windows it does not name are unlimited).
 *
 * @example
 * ```ts
 * operationLimits(findOperation('POST', '/auth/challenge')!) // { perSecond: 60, perMinute: Infinity, perHour: Infinity }
 * ```
 */
export function operationLimits(operation: SpecOperation): GroupLimits {
  const values = operation.rateLimits
  return {
    perSecond: values?.perSecond ?? Number.POSITIVE_INFINITY,
    perMinute: values?.perMinute ?? Number.POSITIVE_INFINITY,
    perHour: values?.perHour ?? Number.POSITIVE_INFINITY,
  }
}
