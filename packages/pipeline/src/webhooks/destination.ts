/**
 * Where a tenant's webhook may point. A tenant chooses the URL, and the hub's worker makes the request from inside
 * the operator's network: without this check a tenant could have the hub call its database, the cloud's metadata
 * service or anything else on a private address (server-side request forgery). The host is checked just before each
 * delivery (a clear reason in the delivery log), and again by the connection itself: {@link guardedFetch} connects
 * only to an address it has just checked, so a name that resolves to a public address for the check and to a
 * private one for the connection (DNS rebinding) is refused too.
 *
 * @module
 */
import type { LookupAddress } from 'node:dns'
import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'
import ipaddr from 'ipaddr.js'
import { Agent, fetch as undiciFetch } from 'undici'
import { PipelineError } from '../errors.ts'

// Addresses no tenant's receiver has any business on: loopback, private, link-local (cloud metadata), shared
// (carrier-grade NAT), unspecified, multicast and reserved ranges, in IPv4 and IPv6.
const PRIVATE = new BlockList()
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4')
}
for (const [network, prefix] of [
  // IPv4-compatible (deprecated; `::` and `::1` are in it): a host may still route it to the embedded IPv4.
  ['::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  // Site-local (deprecated, but still the operator's own network where it is used).
  ['fec0::', 10],
  ['ff00::', 8],
  // NAT64 local-use prefix: the operator's own translators, to any IPv4 network behind them.
  ['64:ff9b:1::', 48],
  // Teredo tunnels to an IPv4 server and client the hub cannot vet; no receiver needs them.
  ['2001::', 32],
  // Discard-only.
  ['100::', 64],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6')
}

/**
 * The IPv4 address an IPv6 address carries to, where it is one of the translation forms that reach it: IPv4-mapped
 * (`::ffff:a.b.c.d`), IPv4-translated (`::ffff:0:a.b.c.d`), NAT64's well-known prefix (`64:ff9b::a.b.c.d`) and 6to4
 * (`2002:aabb:ccdd::`, the IPv4 address in the second and third groups).
 */
function embeddedIpv4(parts: readonly number[]): string | undefined {
  const [p0, p1, p2, p3, p4, p5, p6, p7] = parts as [number, number, number, number, number, number, number, number]
  const quad = (high: number, low: number) => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`
  const zeroTo = (end: number) => parts.slice(0, end).every((part) => part === 0)
  if (zeroTo(5) && p5 === 0xffff) return quad(p6, p7)
  if (zeroTo(4) && p4 === 0xffff && p5 === 0) return quad(p6, p7)
  if (p0 === 0x64 && p1 === 0xff9b && p2 === 0 && p3 === 0 && p4 === 0 && p5 === 0) return quad(p6, p7)
  if (p0 === 0x2002) return quad(p1, p2)
  return undefined
}

/**
 * Whether an IP address is one a webhook may not reach. IPv6 forms that carry an IPv4 address (mapped,
 * translated, NAT64, 6to4) count as that IPv4 address; anything that is not an address counts as private.
 *
 * @example
 * ```ts
 * isPrivateAddress('169.254.169.254') // true
 * isPrivateAddress('64:ff9b::10.0.0.1') // true: NAT64 to a private IPv4 address
 * isPrivateAddress('203.0.113.7') // false
 * ```
 */
export function isPrivateAddress(address: string): boolean {
  let parsed: ReturnType<typeof ipaddr.parse>
  try {
    parsed = ipaddr.parse(address)
  } catch {
    return true
  }
  if (parsed.kind() === 'ipv4') return PRIVATE.check(parsed.toString(), 'ipv4')
  const v6 = parsed as ipaddr.IPv6
  const carried = embeddedIpv4(v6.parts)
  if (carried !== undefined) return PRIVATE.check(carried, 'ipv4')
  return PRIVATE.check(v6.toNormalizedString(), 'ipv6')
}

/**
 * What the delivery log tells a tenant whose webhook host was refused, whatever the reason (a private address,
 * or none at all): the reason and the address go only to the operator's log, so that the log cannot be used to
 * learn what the hub's internal names resolve to, or which of them exist.
 */
export const REFUSED_PRIVATE_ADDRESS = 'refused: private address'

/**
 * Whether an error is the guard's refusal of a webhook host (its message is for the operator, not the tenant).
 *
 * @example
 * ```ts
 * const shown = isDestinationRefusal(error) ? REFUSED_PRIVATE_ADDRESS : error.message
 * ```
 */
export function isDestinationRefusal(error: unknown): error is PipelineError {
  return error instanceof PipelineError && error.details.refusedDestination === true
}

/** Options of {@link checkDestination}. */
export interface DestinationOptions {
  /** Let webhooks reach private addresses (local development, receivers inside the operator's network). */
  readonly allowPrivateNetworks?: boolean
  /** Resolves a host name to its addresses (default: the system resolver). */
  readonly resolve?: (host: string) => Promise<readonly string[]>
}

const systemResolve = async (host: string) => (await lookup(host, { all: true })).map((entry) => entry.address)

/**
 * Checks that a webhook URL's host resolves only to public addresses.
 *
 * @throws {@link PipelineError} `CONFIGURATION` naming the host and the address it resolves to (for the operator's
 *   log: {@link isDestinationRefusal} tells it apart, and the tenant is told only {@link REFUSED_PRIVATE_ADDRESS})
 * @example
 * ```ts
 * await checkDestination('https://erp.example.com/ksef-events')
 * ```
 */
export async function checkDestination(url: string, options: DestinationOptions = {}): Promise<void> {
  if (options.allowPrivateNetworks) return
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1')
  let addresses: readonly string[]
  try {
    addresses = isIP(host) ? [host] : await (options.resolve ?? systemResolve)(host)
  } catch (error) {
    throw new PipelineError('CONFIGURATION', `webhook host ${host} does not resolve: ${(error as Error).message}`, {
      host,
      address: null,
      refusedDestination: true,
    })
  }
  const refused = refusal(host, addresses, (address) => `resolves to ${address}`)
  if (refused) throw refused
}

/** The refusal of a host whose addresses include a private one (or none at all), or undefined when all are public. */
function refusal(
  host: string,
  addresses: readonly string[],
  resolution: (address: string) => string,
): PipelineError | undefined {
  const blocked = addresses.find(isPrivateAddress)
  if (blocked === undefined && addresses.length > 0) return undefined
  return new PipelineError(
    'CONFIGURATION',
    `webhook host ${host} ${resolution(blocked ?? 'no address')}, a private address the hub does not call ` +
      '(set KSEF_HUB_WEBHOOK_PRIVATE_NETWORKS=allow for receivers inside your own network)',
    { host, address: blocked ?? null, refusedDestination: true },
  )
}

type Resolve = NonNullable<DestinationOptions['resolve']>
const guardedFetches = new WeakMap<Resolve, typeof fetch>()

type LookupCallback = (error: Error | null, address: string | LookupAddress[], family?: number) => void

/**
 * A `fetch` whose connections go only to public addresses: the host is resolved when the connection is made and
 * refused if any address is private, and the socket connects to the addresses that were checked. Use it for
 * requests to URLs a tenant chose.
 *
 * @example
 * ```ts
 * const response = await guardedFetch()(subscription.url, { method: 'POST', body })
 * ```
 */
export function guardedFetch(options: Pick<DestinationOptions, 'resolve'> = {}): typeof fetch {
  const resolve = options.resolve ?? systemResolve
  // One agent (and its pool of kept-alive connections) per resolver, not one per delivery.
  const existing = guardedFetches.get(resolve)
  if (existing) return existing
  const dispatcher = new Agent({
    connect: {
      // net.connect calls this for host names (never for IP literals, which checkDestination has seen).
      lookup: (host: string, lookupOptions: { all?: boolean }, callback: LookupCallback) => {
        resolve(host).then(
          (addresses) => {
            const refused = refusal(host, addresses, (address) => `resolved to ${address} when connecting`)
            if (refused) {
              callback(refused, [])
              return
            }
            const entries = addresses.map((address) => ({ address, family: isIP(address) }))
            if (lookupOptions.all) callback(null, entries)
            else callback(null, entries[0]?.address ?? '', entries[0]?.family)
          },
          (error: Error) =>
            callback(
              new PipelineError(
                'CONFIGURATION',
                `webhook host ${host} does not resolve when connecting: ${error.message}`,
                {
                  host,
                  address: null,
                  refusedDestination: true,
                },
              ),
              [],
            ),
        )
      },
    },
  })
  type UndiciArgs = Parameters<typeof undiciFetch>
  // undici's fetch is the global fetch's implementation; only its declared types differ.
  const guarded = ((input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    undiciFetch(input as UndiciArgs[0], { ...(init as UndiciArgs[1]), dispatcher })) as unknown as typeof fetch
  guardedFetches.set(resolve, guarded)
  return guarded
}
