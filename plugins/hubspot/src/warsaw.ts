/**
 * KSeF days are days in Europe/Warsaw (CET, CEST in summer), whatever zone the hub's machine is in. HubSpot keeps
 * a day picked in its UI (`hs_invoice_date`, `hs_due_date`) as an instant: the start of that day in the portal's
 * zone, e.g. `2026-11-19T23:00:00.000Z` for 20 November in Warsaw. So a day is read as the Warsaw day of the
 * instant, never its UTC date; a plain `YYYY-MM-DD` is taken as written. The Warsaw day of an instant is
 * `warsawDay` of `@ksef-hub/fa3`, the instant a Warsaw day begins `warsawMidnight` of the SDK.
 *
 * @module
 */
import { warsawDay } from '@ksef-hub/fa3'

/**
 * The instant of a HubSpot datetime value (ISO 8601, or epoch milliseconds as text), or `undefined`.
 *
 * @example
 * ```ts
 * instantOf('2026-11-19T23:00:00.000Z') // 1795129200000
 * instantOf('1795129200000') // 1795129200000
 * ```
 */
export function instantOf(value: string | null | undefined): number | undefined {
  if (!value) return undefined
  const text = value.trim()
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text)
  return Number.isFinite(ms) ? ms : undefined
}

/**
 * The KSeF day of a HubSpot date or datetime value, or `undefined` when it is empty or unreadable.
 *
 * @example
 * ```ts
 * dayOf('2026-11-19T23:00:00.000Z') // '2026-11-20'
 * dayOf('2026-11-20') // '2026-11-20'
 * ```
 */
export function dayOf(value: string | null | undefined): string | undefined {
  if (!value) return undefined
  const text = value.trim()
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return text
  const ms = instantOf(text)
  return ms === undefined ? undefined : warsawDay(new Date(ms))
}
