/**
 * The ways ERPs write a NIP (the seeder's other helpers are the SDK's: `generator`, `addDays`, `nipOf`).
 *
 * @module
 */

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
