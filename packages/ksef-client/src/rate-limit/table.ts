/**
 * The official request limits per endpoint group (OpenAPI `x-rate-limits`, FACTS.md §9). KSeF counts per
 * (context, client IP) in sliding windows of a second, a minute and an hour; all three apply.
 *
 * @module
 */

/**
 * An endpoint group. The names are those of `GET /rate-limits` (`EffectiveApiRateLimits`), plus `public` for the
 * unauthenticated endpoints (challenge, auth, public keys), which KSeF limits per IP only.
 */
export type RateLimitGroup =
  | 'onlineSession'
  | 'batchSession'
  | 'invoiceSend'
  | 'invoiceStatus'
  | 'sessionList'
  | 'sessionInvoiceList'
  | 'sessionMisc'
  | 'invoiceMetadata'
  | 'invoiceExport'
  | 'invoiceExportStatus'
  | 'invoiceDownload'
  | 'other'
  | 'public'

/** The thresholds of one group; a missing threshold does not apply. */
export interface RateLimitValues {
  readonly perSecond: number
  readonly perMinute?: number
  readonly perHour?: number
}

/** Limits per group. */
export type RateLimitTable = Readonly<Record<RateLimitGroup, RateLimitValues>>

/**
 * PRD (and DEMO) values, as embedded in the OpenAPI of API 2.6.0. TE was equalised with PRD in 2.5.0.
 *
 * @example
 * ```ts
 * OFFICIAL_RATE_LIMITS.invoiceSend // { perSecond: 10, perMinute: 30, perHour: 180 }
 * ```
 */
export const OFFICIAL_RATE_LIMITS: RateLimitTable = {
  onlineSession: { perSecond: 10, perMinute: 30, perHour: 120 },
  batchSession: { perSecond: 10, perMinute: 20, perHour: 60 },
  invoiceSend: { perSecond: 10, perMinute: 30, perHour: 180 },
  invoiceStatus: { perSecond: 30, perMinute: 120, perHour: 1200 },
  sessionList: { perSecond: 5, perMinute: 10, perHour: 60 },
  sessionInvoiceList: { perSecond: 10, perMinute: 20, perHour: 200 },
  sessionMisc: { perSecond: 10, perMinute: 120, perHour: 1200 },
  invoiceMetadata: { perSecond: 8, perMinute: 16, perHour: 20 },
  invoiceExport: { perSecond: 8, perMinute: 16, perHour: 20 },
  invoiceExportStatus: { perSecond: 10, perMinute: 60, perHour: 600 },
  invoiceDownload: { perSecond: 8, perMinute: 16, perHour: 64 },
  other: { perSecond: 10, perMinute: 30, perHour: 120 },
  public: { perSecond: 60 },
}

/**
 * Every group, in table order.
 *
 * @example
 * ```ts
 * for (const group of RATE_LIMIT_GROUPS) console.log(group, OFFICIAL_RATE_LIMITS[group])
 * ```
 */
export const RATE_LIMIT_GROUPS = Object.keys(OFFICIAL_RATE_LIMITS) as readonly RateLimitGroup[]
