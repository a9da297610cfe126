/**
 * Polish tax identifiers: NIP and the internal identifier (IDWew, `NIP-ddddd`), with their checksums as KSeF
 * checks them on PRD.
 *
 * @module
 */

const NIP_WEIGHTS = [6, 5, 7, 2, 3, 4, 5, 6, 7] as const

/**
 * Whether a NIP has 10 digits and a valid checksum (weights 6,5,7,2,3,4,5,6,7; sum mod 11 equals the last digit).
 *
 * @example
 * ```ts
 * isValidNip('5265877635') // true
 * isValidNip('5265877636') // false
 * ```
 */
export function isValidNip(nip: string): boolean {
  if (!/^\d{10}$/.test(nip)) return false
  let sum = 0
  for (let i = 0; i < 9; i++) sum += Number(nip[i]) * (NIP_WEIGHTS[i] as number)
  const check = sum % 11
  return check !== 10 && check === Number(nip[9])
}

/**
 * Completes the first nine digits of a NIP with its check digit, or returns `undefined` when no digit works.
 * Useful for generating test identities.
 *
 * @example
 * ```ts
 * completeNip('526587763') // '5265877635'
 * ```
 */
export function completeNip(firstNine: string): string | undefined {
  if (!/^\d{9}$/.test(firstNine)) throw new TypeError('completeNip needs exactly 9 digits')
  let sum = 0
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * (NIP_WEIGHTS[i] as number)
  const check = sum % 11
  return check === 10 ? undefined : `${firstNine}${check}`
}

/**
 * Whether an internal identifier `NIP-ddddd` is well-formed and its checksum holds (15 digits without the hyphen,
 * weights 1,3,1,3,... on the first 14, sum mod 10 equals the last digit). The NIP part is checked too.
 *
 * @example
 * ```ts
 * isValidInternalId('6824515772-12343') // true
 * ```
 */
export function isValidInternalId(id: string): boolean {
  const match = /^(\d{10})-(\d{5})$/.exec(id)
  if (!match) return false
  const digits = `${match[1]}${match[2]}`
  let sum = 0
  for (let i = 0; i < 14; i++) sum += Number(digits[i]) * (i % 2 === 0 ? 1 : 3)
  return sum % 10 === Number(digits[14]) && isValidNip(match[1] as string)
}
