/**
 * The seeder's small helpers: a deterministic random generator, calendar days, and the ways ERPs write a NIP.
 *
 * @module
 */

/**
 * A small deterministic generator (mulberry32), so a fake's documents are the same at every run.
 *
 * @example
 * ```ts
 * const random = generator(42)
 * random() // 0.6011037519201636, at every run
 * ```
 */
export function generator(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/**
 * A calendar day `days` after `day` (calendar arithmetic: no time zone is involved).
 *
 * @example
 * ```ts
 * addDays('2026-02-01', -1) // '2026-01-31'
 * ```
 */
export function addDays(day: string, days: number): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10)
}

/**
 * The ways ERPs hold a NIP: plain, with `PL`, with dashes.
 *
 * @example
 * ```ts
 * written('5265877635', 2) // '526-587-76-35'
 * ```
 */
export function written(nip: string, variant: number): string {
  if (variant % 3 === 1) return `PL${nip}`
  if (variant % 3 === 2) return `${nip.slice(0, 3)}-${nip.slice(3, 6)}-${nip.slice(6, 8)}-${nip.slice(8)}`
  return nip
}
