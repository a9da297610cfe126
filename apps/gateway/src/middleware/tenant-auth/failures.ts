/**
 * Throttling failed authentication per client address. A request with an unknown key costs a database lookup;
 * without a bound, a client could make thousands a second (17,445 in 15 s, none refused). Each address (an IPv6
 * client by its /64, which one host usually has whole) has a small token bucket that only failures spend: a
 * client that authenticates never spends it, and one whose bucket is empty is refused with 429 before any lookup,
 * until it has refilled. In memory, per gateway process: cheap, and enough to take the database out of reach.
 *
 * @module
 */
import ipaddr from 'ipaddr.js'

/** How many failures an address may have: a burst, and the rate at which it is forgiven. */
export interface FailureBudget {
  readonly perSecond: number
  readonly burst: number
}

/** The default: 20 failures at once, then one every half second. */
export const DEFAULT_FAILURE_BUDGET: FailureBudget = { perSecond: 2, burst: 20 }

// Addresses remembered at most; beyond, the oldest go (an address that failed that long ago has refilled).
const MAX_ADDRESSES = 50_000

/** The key an address is counted under: an IPv4 address, or an IPv6 address's /64. */
function keyOf(address: string | undefined): string {
  if (!address) return 'unknown'
  try {
    const parsed = ipaddr.process(address)
    if (parsed.kind() === 'ipv4') return parsed.toString()
    return `${(parsed as ipaddr.IPv6).parts.slice(0, 4).join(':')}::/64`
  } catch {
    return address
  }
}

/**
 * The throttle.
 *
 * @example
 * ```ts
 * const throttle = failureThrottle()
 * const wait = throttle.refusal(address) // seconds to wait, or undefined
 * if (!owner) throttle.failed(address)
 * ```
 */
export function failureThrottle(budget: FailureBudget = DEFAULT_FAILURE_BUDGET, clock: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; at: number }>()
  const current = (key: string) => {
    const bucket = buckets.get(key)
    if (!bucket) return { tokens: budget.burst, at: clock() }
    const now = clock()
    return { tokens: Math.min(budget.burst, bucket.tokens + ((now - bucket.at) / 1000) * budget.perSecond), at: now }
  }
  return {
    /** Seconds the address must wait before it may try again, or `undefined` when it may now. */
    refusal(address: string | undefined): number | undefined {
      const bucket = current(keyOf(address))
      if (bucket.tokens >= 1) return undefined
      return Math.max(1, Math.ceil((1 - bucket.tokens) / budget.perSecond))
    },
    /** Counts a failure of the address. */
    failed(address: string | undefined): void {
      const key = keyOf(address)
      const bucket = current(key)
      buckets.delete(key)
      if (buckets.size >= MAX_ADDRESSES) buckets.delete(buckets.keys().next().value as string)
      buckets.set(key, { tokens: Math.max(0, bucket.tokens - 1), at: bucket.at })
    },
  }
}
