/**
 * What a fake's seeder draws its documents with: a deterministic generator (the same documents, ids and NIPs at
 * every run of a seed, so the kit can compare two fresh fakes), valid NIPs, and calendar days.
 *
 * @module
 */

/**
 * A small deterministic generator (mulberry32).
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

const WEIGHTS = [6, 5, 7, 2, 3, 4, 5, 6, 7]
/** FA(3)'s `TNrNIP`: besides the checksum, the second and third digits are not both 0. */
const FA3_NIP = /^[1-9]((\d[1-9])|([1-9]\d))\d{7}$/

/**
 * A NIP valid by its checksum and by FA(3)'s pattern, drawn from `random` (a NIP such as 7000436149 passes the
 * checksum, and FA(3) refuses it: a seeded document with it would not be the sendable one the fake says it is).
 *
 * @example
 * ```ts
 * nipOf(generator(1)) // ten digits whose check digit holds
 * ```
 */
export function nipOf(random: () => number): string {
  for (;;) {
    const digits = Array.from({ length: 9 }, (_, index) =>
      index === 0 ? 1 + Math.floor(random() * 9) : Math.floor(random() * 10),
    )
    const check = digits.reduce((sum, digit, index) => sum + digit * (WEIGHTS[index] ?? 0), 0) % 11
    const nip = `${digits.join('')}${check}`
    if (check !== 10 && FA3_NIP.test(nip)) return nip
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
