/**
 * KSeF days are days in Europe/Warsaw (CET, CEST in summer), whatever zone the hub's machine is in. HubSpot keeps
 * a day picked in its UI (`hs_invoice_date`, `hs_due_date`) as an instant: the start of that day in the portal's
 * zone, e.g. `2026-11-19T23:00:00.000Z` for 20 November in Warsaw. So a day is read as the Warsaw day of the
 * instant, never its UTC date; a plain `YYYY-MM-DD` is taken as written.
 *
 * @module
 */

const DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Warsaw',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

const OFFSET = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Warsaw',
  timeZoneName: 'longOffset',
  year: 'numeric',
})

/** Warsaw's offset from UTC at an instant, in minutes (60 in winter, 120 in summer). */
function offsetMinutes(at: Date): number {
  const name = OFFSET.formatToParts(at).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT'
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name)
  if (!match) return 0
  const [, sign, hours, minutes] = match as unknown as [string, string, string, string]
  return (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes))
}

/**
 * The instant a day (`YYYY-MM-DD`) begins in Europe/Warsaw.
 *
 * @example
 * ```ts
 * warsawMidnight('2026-01-15').toISOString() // '2026-01-14T23:00:00.000Z'
 * warsawMidnight('2026-07-15').toISOString() // '2026-07-14T22:00:00.000Z'
 * ```
 */
export function warsawMidnight(day: string): Date {
  const utcMidnight = new Date(`${day}T00:00:00Z`)
  // Midnight is never within a DST change in Warsaw (they happen at 02:00/03:00), so one correction is exact.
  return new Date(utcMidnight.getTime() - offsetMinutes(utcMidnight) * 60_000)
}

/**
 * The day (`YYYY-MM-DD`) an instant falls on in Europe/Warsaw.
 *
 * @example
 * ```ts
 * warsawDay(new Date('2026-11-19T23:00:00Z')) // '2026-11-20'
 * ```
 */
export function warsawDay(at: Date): string {
  return DAY.format(at)
}

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
