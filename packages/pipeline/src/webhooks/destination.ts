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
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6')
}

/**
 * Whether an IP address is one a webhook may not reach (IPv4-mapped IPv6 addresses count as their IPv4 address).
 *
 * @example
 * ```ts
 * isPrivateAddress('169.254.169.254') // true
 * isPrivateAddress('203.0.113.7') // false
 * ```
 */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1]
  if (mapped) return PRIVATE.check(mapped, 'ipv4')
  const family = isIP(address)
  if (family === 0) return true
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6')
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
 * @throws {@link PipelineError} `CONFIGURATION` naming the host and the address it resolves to
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
    throw new PipelineError('CONFIGURATION', `webhook host ${host} does not resolve: ${(error as Error).message}`)
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
    { host, address: blocked ?? null },
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
          (error: Error) => callback(error, []),
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
