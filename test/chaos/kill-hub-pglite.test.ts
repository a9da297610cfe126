/**
 * The embedded default under crashes: the whole hub (`ksef-hub start`: gateway, worker and PGlite in one
 * process) is SIGKILLed at random moments while a client pushes invoices over HTTP in bulk, retrying each request
 * with its Idempotency-Key until it is answered. At the end every invoice is stored once, confirmed with its UPO,
 * and received by KSeF exactly once: a crash loses neither a committed invoice nor the embedded database.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { completeNip } from '@ksef-hub/fa3'
import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { type RunningSimulator, startSimulator } from '@ksef-hub/ksef-simulator'
import { BULK_FAN_OUT_FROM } from '@ksef-hub/pipeline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueToken } from '../ksef-client/simulator.ts'
import { spawnHub, type WorkerProcess } from './worker-process.ts'

const INVOICES = Number(process.env.CHAOS_PGLITE_INVOICES ?? 300)
const KILLS = Number(process.env.CHAOS_PGLITE_KILLS ?? 4)
// Requests of 25 get their submit jobs at once; every third request is large enough to be fanned out by the
// worker (BULK_FAN_OUT_FROM), so kills also land between a fan-out job's commit and its fan-out.
const sizeOf = (request: number) => (request % 3 === 2 ? BULK_FAN_OUT_FROM : 25)
const API_KEY = 'ksh_ChaosChaos01_abcdefghijklmnopqrstuvwxyz012345'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const between = (low: number, high: number) => low + Math.floor(Math.random() * (high - low))

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('SIGKILL of the whole hub on the embedded PGlite', () => {
  let dir: string
  let sim: RunningSimulator
  let hub: (WorkerProcess & { started: Promise<void> }) | undefined
  const nip = completeNip('752100400') as string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ksef-hub-chaos-'))
    sim = await startSimulator({ port: 0, processingDelayMs: 20, log: () => {} })
    await writeFile(
      join(dir, 'chaos.yaml'),
      [
        'id: chaos',
        'name: Chaos',
        `nip: "${nip}"`,
        'environment: test',
        'ksefBaseUrl: { env: CHAOS_KSEF_URL }',
        'settings: { batchThreshold: 30, maxBatchSize: 100 }',
        'credentials:',
        '  ksefToken: { env: CHAOS_KSEF_TOKEN }',
        'apiKey: { env: CHAOS_API_KEY }',
        '',
      ].join('\n'),
    )
  })
  afterAll(async () => {
    hub?.child.kill('SIGKILL')
    await sim?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it(`stores, confirms and sends each of ${INVOICES} invoices exactly once`, async () => {
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    const env = {
      KSEF_HUB_DATA_DIR: join(dir, 'data'),
      KSEF_HUB_TENANTS_DIR: dir,
      KSEF_HUB_SIMULATOR: 'off',
      PORT: String(port),
      CHAOS_KSEF_URL: sim.url,
      CHAOS_KSEF_TOKEN: await issueToken(sim, nip),
      CHAOS_API_KEY: API_KEY,
    }
    hub = spawnHub(env)
    await hub.started
    const headers = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' }

    // The client: bulk requests, each retried with the same Idempotency-Key until the hub answers it.
    const pushing = (async () => {
      for (let first = 1, request = 0; first <= INVOICES; first += sizeOf(request), request++) {
        const invoices = Array.from({ length: Math.min(sizeOf(request), INVOICES - first + 1) }, (_, i) => ({
          sourceRef: `chaos-${first + i}`,
          invoice: typicalInvoice({ sellerNip: nip, number: `FV/PGL/${first + i}`, lines: 2, issueDate: '2026-11-02' }),
        }))
        const body = JSON.stringify({ invoices })
        for (;;) {
          try {
            const response = await fetch(`${base}/v1/invoices/bulk`, {
              method: 'POST',
              headers: { ...headers, 'idempotency-key': `chunk-${first}` },
              body,
            })
            if (response.status === 200 || response.status === 201) break
            // 409: the same key still running (the hub died under it and came back); 503: shutting down.
            if (![409, 503].includes(response.status)) {
              throw new Error(`bulk ${first}: ${response.status} ${await response.text()}`)
            }
          } catch (error) {
            if ((error as Error).message.startsWith('bulk ')) throw error
          }
          await sleep(200)
        }
        await sleep(between(50, 400))
      }
    })()

    let kills = 0
    while (kills < KILLS) {
      await sleep(between(1_000, 4_000))
      const victim = hub
      victim.child.kill('SIGKILL')
      expect(await victim.exited).toBe('SIGKILL')
      kills += 1
      hub = spawnHub(env)
      await hub.started
    }
    await pushing

    const deadline = Date.now() + 180_000
    let confirmed = 0
    let total = 0
    for (;;) {
      confirmed = 0
      total = 0
      let cursor: string | undefined
      do {
        const query = new URLSearchParams({ limit: '200', ...(cursor ? { cursor } : {}) })
        const page = (await (await fetch(`${base}/v1/invoices?${query}`, { headers })).json()) as {
          invoices: { state: string }[]
          nextCursor?: string | null
        }
        total += page.invoices.length
        confirmed += page.invoices.filter((item) => item.state === 'confirmed').length
        cursor = page.nextCursor ?? undefined
      } while (cursor)
      if (confirmed === INVOICES) break
      if (Date.now() > deadline || hub.child.exitCode !== null) {
        throw new Error(`${confirmed}/${INVOICES} confirmed of ${total} stored\n${hub.tail()}`)
      }
      await sleep(500)
    }
    expect(total).toBe(INVOICES)

    const received = (await (await fetch(`${sim.adminUrl}/received`)).json()) as {
      invoices: { invoiceNumber: string; timesReceived: number }[]
    }
    expect(received.invoices.filter((invoice) => invoice.timesReceived !== 1)).toEqual([])
    expect(received.invoices).toHaveLength(INVOICES)
    hub.child.kill('SIGTERM')
    expect(await hub.exited).toBe(0)
  }, 400_000)
})
