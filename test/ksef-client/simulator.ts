/**
 * End-to-end support: a simulator per test file, a KSeF token from its admin API, and a client pointed at it.
 * The simulator is used only through its entry point and HTTP.
 *
 * @module
 */
import { createKsefClient, type KsefClient, type KsefClientOptions, nipContext } from '@ksef-hub/ksef-client'
import type { startSimulator } from '@ksef-hub/ksef-simulator'

export const NIP = '5265877635'

export type Simulator = Awaited<ReturnType<typeof startSimulator>>

/** POST/DELETE/GET on the admin API. */
export async function admin(
  sim: Simulator,
  path: string,
  body?: unknown,
  method = body === undefined ? 'GET' : 'POST',
): Promise<Response> {
  return fetch(`${sim.adminUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
}

/** A fresh KSeF token for a NIP. */
export async function issueToken(
  sim: Simulator,
  nip = NIP,
  permissions = ['InvoiceWrite', 'InvoiceRead'],
): Promise<string> {
  const response = await admin(sim, '/tokens', { nip, permissions })
  if (!response.ok) throw new Error(`admin /tokens: ${response.status}`)
  return ((await response.json()) as { token: string }).token
}

/** Injects a fault. */
export async function fault(
  sim: Simulator,
  spec: { kind: string; seconds?: number; count?: number; path?: string },
): Promise<void> {
  const response = await admin(sim, '/faults', spec)
  if (response.status !== 204) throw new Error(`admin /faults: ${response.status} ${await response.text()}`)
}

export async function clearFaults(sim: Simulator): Promise<void> {
  await admin(sim, '/faults', undefined, 'DELETE')
}

/** A client for the simulator; the limiter stays on (official table) unless told otherwise. */
export function simulatorClient(sim: Simulator, token: string, options: Partial<KsefClientOptions> = {}): KsefClient {
  return createKsefClient({
    environment: { baseUrl: sim.url },
    context: nipContext(NIP),
    credentials: { kind: 'token', token },
    auth: { pollIntervalMs: 50 },
    retry: { baseDelayMs: 50 },
    ...options,
  })
}

export const POLL = { intervalMs: 50, maxIntervalMs: 200, maxWaitMs: 20_000 }
