/**
 * Random NIPs for tests that need many distinct sellers (each a KSeF context of its own).
 *
 * @module
 */
import { completeNip } from '../ids/nip.ts'

// FA(3)'s TNIP pattern: besides the checksum, the second and third digits are not both zero.
const FA3_NIP = /^[1-9]((\d[1-9])|([1-9]\d))\d{7}$/

/**
 * A random NIP that passes the checksum and the FA(3) schema's pattern.
 *
 * @example
 * ```ts
 * const seller = randomNip() // e.g. '7521004007'
 * ```
 */
export function randomNip(): string {
  for (;;) {
    // A prefix whose check digit would be 10 has no valid NIP: draw again.
    const nip = completeNip(String(100_000_000 + Math.floor(Math.random() * 800_000_000)))
    if (nip && FA3_NIP.test(nip)) return nip
  }
}
