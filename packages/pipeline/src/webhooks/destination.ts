/**
 * Where a tenant's webhook may point. A tenant chooses the URL, and the hub's worker makes the request from inside
 * the operator's network: without this check a tenant could have the hub call its database, the cloud's metadata
 * service or anything else on a private address (server-side request forgery). The address is checked as resolved
 * just before each delivery, so a name that later resolves elsewhere is caught too.
 *
 * @module
 */
import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'
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
  const blocked = addresses.find(isPrivateAddress)
  if (blocked !== undefined || addresses.length === 0) {
    throw new PipelineError(
      'CONFIGURATION',
      `webhook host ${host} resolves to ${blocked ?? 'no address'}, a private address the hub does not call ` +
        '(set KSEF_HUB_WEBHOOK_PRIVATE_NETWORKS=allow for receivers inside your own network)',
      { host, address: blocked ?? null },
    )
  }
}
