/**
 * Exact sums of FA(3) amounts (decimal strings with at most two fraction digits), in grosze as bigint, so
 * nothing is ever added in floating point. Only the API's metadata turns them into JSON numbers.
 *
 * @module
 */

/**
 * Parses an amount to hundredths.
 *
 * @example
 * ```ts
 * toHundredths('-12.5') // -1250n
 * ```
 */
export function toHundredths(amount: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(amount.trim())
  if (!match) throw new RangeError(`not an amount: ${amount}`)
  const [, sign, whole, fraction = ''] = match
  const value = BigInt(whole as string) * 100n + BigInt(fraction.padEnd(2, '0') || '0')
  return sign ? -value : value
}

/**
 * Hundredths as a decimal string.
 *
 * @example
 * ```ts
 * fromHundredths(-1250n) // '-12.50'
 * ```
 */
export function fromHundredths(value: bigint): string {
  const negative = value < 0n
  const abs = negative ? -value : value
  return `${negative ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`
}

/**
 * Sums amounts (missing ones count as zero).
 *
 * @example
 * ```ts
 * sumAmounts(['1.10', undefined, '2']) // '3.10'
 * ```
 */
export function sumAmounts(amounts: readonly (string | undefined)[]): string {
  let total = 0n
  for (const amount of amounts) if (amount !== undefined) total += toHundredths(amount)
  return fromHundredths(total)
}
