/**
 * The ways a NIP is typed into a company's NIP property, and the instant a portal stores for a day picked in the
 * UI (the seeder's other helpers are the SDK's: `generator`, `addDays`, `nipOf`).
 *
 * @module
 */

/**
 * The ways a NIP is typed into a HubSpot company: plain, with `PL`, with `PL` and dashes.
 *
 * @example
 * ```ts
 * written('5265877635', 2) // 'PL 526-587-76-35'
 * ```
 */
export function written(nip: string, variant: number): string {
  if (variant % 3 === 1) return `PL${nip}`
  if (variant % 3 === 2) return `PL ${nip.slice(0, 3)}-${nip.slice(3, 6)}-${nip.slice(6, 8)}-${nip.slice(8)}`
  return nip
}

/**
 * The instant a portal in `timeZone` stores for `day` picked in the UI: that day's midnight there, in UTC
 * (`facts.ts`, DATES_AT_PORTAL_MIDNIGHT).
 *
 * @example
 * ```ts
 * portalMidnight('2026-11-20', 'Europe/Warsaw') // '2026-11-19T23:00:00.000Z'
 * ```
 */
export function portalMidnight(day: string, timeZone: string): string {
  const utc = Date.parse(`${day}T00:00:00Z`)
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  })
  // The zone's offset from UTC is at most ±14 h: try each quarter hour around UTC midnight.
  for (let minutes = -14 * 60; minutes <= 14 * 60; minutes += 15) {
    const candidate = utc + minutes * 60_000
    if (format.format(candidate) === `${day}, 00:00`) return new Date(candidate).toISOString()
  }
  return new Date(utc).toISOString()
}
