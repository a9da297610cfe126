/**
 * The optional IP policy of an authentication (`authorizationPolicy.allowedIps`): single IPv4 addresses,
 * ranges `a-b` and masks `x/n`.
 *
 * @module
 */

function toNumber(ip: string): number | undefined {
  const parts = ip.split('.')
  if (parts.length !== 4) return undefined
  let value = 0
  for (const part of parts) {
    const n = Number(part)
    if (!/^\d{1,3}$/.test(part) || n > 255) return undefined
    value = value * 256 + n
  }
  return value
}

/**
 * Whether a client IP satisfies the policy (an empty policy allows everything).
 *
 * @example
 * ```ts
 * ipAllowed('10.0.0.7', { ip4Masks: ['10.0.0.0/24'] }) // true
 * ```
 */
export function ipAllowed(
  ip: string,
  policy: { ip4Addresses?: string[] | null; ip4Ranges?: string[] | null; ip4Masks?: string[] | null },
): boolean {
  const addresses = policy.ip4Addresses ?? []
  const ranges = policy.ip4Ranges ?? []
  const masks = policy.ip4Masks ?? []
  if (addresses.length + ranges.length + masks.length === 0) return true
  const value = toNumber(ip)
  if (value === undefined) return false
  if (addresses.some((address) => toNumber(address) === value)) return true
  for (const range of ranges) {
    const [from, to] = range.split('-').map(toNumber)
    if (from !== undefined && to !== undefined && value >= from && value <= to) return true
  }
  for (const mask of masks) {
    const [base, bitsText] = mask.split('/')
    const start = toNumber(base ?? '')
    const bits = Number(bitsText)
    if (start === undefined || !Number.isInteger(bits)) continue
    const size = 2 ** (32 - bits)
    const network = Math.floor(start / size) * size
    if (value >= network && value < network + size) return true
  }
  return false
}
