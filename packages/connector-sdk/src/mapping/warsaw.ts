/**
 * KSeF days are days in Europe/Warsaw (CET, CEST in summer), whatever zone the hub's machine is in. The day of an
 * instant is `warsawDay` of `@ksef-hub/fa3`; this is the other way: the instant a day begins, e.g. to ask a system
 * for the documents changed since a connection's KSeF start date.
 *
 * @module
 */

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
