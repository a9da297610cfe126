/**
 * KSeF counts days in Europe/Warsaw: the date inside a KSeF number, "issue date not after acceptance", and
 * query dates given without an offset.
 *
 * @module
 */

const DAY_FORMAT = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Warsaw',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

const PARTS_FORMAT = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Warsaw',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
})

/**
 * The Warsaw calendar day of an instant, `YYYY-MM-DD`.
 *
 * @example
 * ```ts
 * warsawDay(new Date('2026-01-31T23:30:00Z')) // '2026-02-01'
 * ```
 */
export function warsawDay(instant: Date): string {
  return DAY_FORMAT.format(instant)
}

/** Offset of Warsaw from UTC at an instant, in milliseconds (3,600,000 in winter, 7,200,000 in summer). */
function warsawOffsetMs(instant: Date): number {
  const parts: Record<string, number> = {}
  for (const part of PARTS_FORMAT.formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value)
  }
  const asUtc = Date.UTC(
    parts.year as number,
    (parts.month as number) - 1,
    parts.day as number,
    parts.hour as number,
    parts.minute as number,
    parts.second as number,
  )
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000
}

/**
 * Parses an ISO-8601 date-time; one without an offset is Warsaw local time, as KSeF reads query dates.
 * Returns `undefined` when the text is not a date-time.
 *
 * @example
 * ```ts
 * parseKsefDateTime('2026-01-15T10:00:00') // 2026-01-15T09:00:00.000Z
 * parseKsefDateTime('2026-01-15T10:00:00Z') // 2026-01-15T10:00:00.000Z
 * ```
 */
export function parseKsefDateTime(text: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(text)
  if (!match) return undefined
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = match
  const ms = frac ? Math.round(Number(`0${frac}`) * 1000) : 0
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms)
  if (Number.isNaN(local)) return undefined
  if (zone) {
    if (zone.toUpperCase() === 'Z') return new Date(local)
    const sign = zone.startsWith('-') ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    const offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000
    return new Date(local - offset)
  }
  // Local Warsaw time: guess with the offset at the guessed instant, then correct once (DST edges).
  let guess = local - warsawOffsetMs(new Date(local))
  guess = local - warsawOffsetMs(new Date(guess))
  return new Date(guess)
}
