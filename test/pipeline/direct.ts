/**
 * KSeF activity behind the hub's back, through the simulator: an invoice the tenant sent to KSeF with another
 * program (the official client), and purchase invoices other sellers issued to the tenant.
 *
 * @module
 */
import { randomNip } from '@ksef-hub/fa3/testing'
import { nipContext } from '@ksef-hub/ksef-client'
import { sampleInvoice } from '@ksef-hub/ksef-client/testing'
import { issueToken, POLL, simulatorClient } from '../ksef-client/simulator.ts'
import type { Hub } from './hub.ts'

/**
 * Sends an invoice of the hub's tenant straight to KSeF with the KSeF client (not through the hub) and waits for
 * its KSeF number.
 *
 * @example
 * ```ts
 * const { ksefNumber } = await sendDirect(hub, 'FV/OTHER/1')
 * ```
 */
export async function sendDirect(hub: Hub, number: string): Promise<{ ksefNumber: string }> {
  const client = simulatorClient(hub.sim, await issueToken(hub.sim, hub.nip), { context: nipContext(hub.nip) })
  const outcome = await client.waitForInvoice(
    await client.sendInvoice(sampleInvoice({ sellerNip: hub.nip, number })),
    POLL,
  )
  await client.closeSessions()
  if (outcome.kind !== 'accepted') throw new Error(`the direct send of ${number} ended ${outcome.kind}`)
  return { ksefNumber: outcome.ksefNumber }
}

/** A random valid NIP of another seller. */
export const otherNip = randomNip

/**
 * Has another seller issue a purchase invoice to the hub's tenant, or to `buyerNip` (stored in KSeF as accepted, through the
 * simulator's admin API).
 *
 * @example
 * ```ts
 * const { ksefNumber } = await injectPurchase(hub, { sellerNip: otherNip(), number: 'FZ/1' })
 * ```
 */
export async function injectPurchase(
  hub: Hub,
  invoice: { sellerNip: string; number: string; buyerNip?: string },
): Promise<{ ksefNumber: string; invoiceHash: string }> {
  const xml = new TextDecoder().decode(sampleInvoice({ buyerNip: hub.nip, ...invoice }))
  const response = await fetch(`${hub.sim.adminUrl}/incoming`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ xml }),
  })
  if (response.status !== 201) throw new Error(`admin /incoming: ${response.status} ${await response.text()}`)
  return (await response.json()) as { ksefNumber: string; invoiceHash: string }
}
