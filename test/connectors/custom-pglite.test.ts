/**
 * The custom connector end to end on the embedded defaults: a tenant goes live with a tenant file alone (its
 * connection to a REST source declared there, secrets by reference), and the whole hub (`ksef-hub start`: gateway,
 * worker and PGlite in one process) is SIGKILLed in the middle of a pull and again in the middle of write-backs,
 * while the source goes down for five minutes; a webhook from the source brings what was issued meanwhile. Read
 * through the hub's own API, as an integrator would.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomNip } from '@ksef-hub/fa3/testing'
import { type RunningSimulator, startSimulator } from '@ksef-hub/ksef-simulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnHub, type WorkerProcess } from '../chaos/worker-process.ts'
import { issueToken } from '../ksef-client/simulator.ts'
import {
  erpSettings,
  expectSentAndWrittenBackOnce,
  OUTAGE_MS,
  receivedBy,
  type SeededErp,
  seededErp,
  sleep,
  waitUntil,
} from './erp.ts'

const API_KEY = 'ksh_ErpPgliteE2E_abcdefghijklmnopqrstuvwxyz012345'

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

interface ConnectionView {
  readonly status: string
  readonly pulling: boolean
  readonly cursorAt: string | null
  readonly documents: Record<string, number>
  readonly writeBacks: Record<string, number>
}

describe('the custom connector end to end on PGlite, from a tenant file, through hub SIGKILLs and a source outage', () => {
  let dir: string
  let sim: RunningSimulator
  let seeded: SeededErp
  let hub: (WorkerProcess & { started: Promise<void> }) | undefined
  const nip = randomNip()

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ksef-hub-erp-'))
    sim = await startSimulator({ port: 0, processingDelayMs: 20, log: () => {} })
    seeded = await seededErp()
    const tenant = {
      id: 'erp',
      name: 'ERP Sp. z o.o.',
      nip,
      environment: 'test',
      ksefBaseUrl: { env: 'ERP_KSEF_URL' },
      credentials: { ksefToken: { env: 'ERP_KSEF_TOKEN' } },
      apiKey: { env: 'ERP_API_KEY' },
      connectors: {
        erp: {
          connector: 'custom',
          settings: erpSettings(seeded.erp.url),
          secrets: { apiKey: { env: 'ERP_SOURCE_KEY' }, webhookSecret: { env: 'ERP_WEBHOOK_SECRET' } },
        },
      },
    }
    await writeFile(join(dir, 'erp.json'), JSON.stringify(tenant, null, 2))
  })
  afterAll(async () => {
    hub?.child.kill('SIGKILL')
    await sim?.close()
    await seeded?.erp.close()
    await rm(dir, { recursive: true, force: true })
  })

  it(
    'sends every document once, writes each KSeF number back once, and names why one was not sent',
    async () => {
      const port = await freePort()
      const base = `http://127.0.0.1:${port}`
      const env = {
        KSEF_HUB_DATA_DIR: join(dir, 'data'),
        KSEF_HUB_TENANTS_DIR: dir,
        KSEF_HUB_SIMULATOR: 'off',
        PORT: String(port),
        KSEF_HUB_CONNECTOR_TIMEOUT_MS: '2000',
        KSEF_HUB_CONNECTOR_RETRY_MAX_SECONDS: '30',
        ERP_KSEF_URL: sim.url,
        ERP_KSEF_TOKEN: await issueToken(sim, nip),
        ERP_API_KEY: API_KEY,
        ERP_SOURCE_KEY: seeded.erp.apiKey,
        ERP_WEBHOOK_SECRET: seeded.erp.webhookSecret,
      }
      const headers = { authorization: `Bearer ${API_KEY}` }
      const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
        const response = await fetch(`${base}${path}`, { ...init, headers: { ...headers, ...init.headers } })
        return (await response.json()) as T
      }
      const connection = () => api<ConnectionView>('/v1/connections/erp')
      const progress = async () =>
        `${JSON.stringify(await connection().catch((error) => String(error)))}\n${hub?.tail()}`
      const restart = async () => {
        const victim = hub as WorkerProcess
        victim.child.kill('SIGKILL')
        expect(await victim.exited).toBe('SIGKILL')
        hub = spawnHub(env)
        await hub.started
      }
      hub = spawnHub(env)
      await hub.started
      // Live from the tenant file alone; the first pull now rather than at the next minute.
      expect((await fetch(`${base}/v1/connections/erp/sync`, { method: 'POST', headers })).status).toBe(202)

      // 1. A SIGKILL in the middle of a pull.
      await waitUntil(async () => (await connection()).cursorAt !== null, 120_000, progress)
      seeded.erp.failNext({ hang: true }, 2)
      await sleep(300)
      await restart()

      // 2. A SIGKILL in the middle of write-backs.
      await waitUntil(async () => seeded.erp.writeBackCounts().size >= 20, 300_000, progress)
      seeded.erp.failNext({ hang: true }, 2)
      await sleep(300)
      expect(seeded.erp.writeBackCounts().size).toBeLessThan(seeded.sendable.length)
      await restart()

      // 3. The source goes down; what it issues meanwhile comes with its webhook once it is back.
      await seeded.erp.outage('unavailable')
      const during = seeded.erp.seed({ invoices: 5 }).invoices
      seeded.sendable.push(...during)
      await sleep(OUTAGE_MS)
      await seeded.erp.outage(false)
      expect(await seeded.erp.deliverWebhook(`${base}/v1/connectors/custom/erp/webhook`, during)).toBe(200)

      await waitUntil(
        async () => {
          const view = await connection()
          return view.documents.submitted === seeded.sendable.length && view.writeBacks.done === seeded.sendable.length
        },
        600_000,
        progress,
      )
      const ksefNumbers = new Map<string, string | null>()
      let cursor: string | undefined
      do {
        const page = await api<{
          invoices: { sourceRef: string; ksefNumber: string | null; state: string }[]
          nextCursor?: string | null
        }>(`/v1/invoices?limit=200${cursor ? `&cursor=${cursor}` : ''}`)
        for (const invoice of page.invoices) {
          expect(invoice.state).toBe('confirmed')
          ksefNumbers.set(invoice.sourceRef, invoice.ksefNumber)
        }
        cursor = page.nextCursor ?? undefined
      } while (cursor)
      expect([...ksefNumbers.keys()].sort()).toEqual([...seeded.sendable].sort())
      await expectSentAndWrittenBackOnce(seeded, sim.adminUrl, (ref) => ksefNumbers.get(ref))
      expect((await receivedBy(sim.adminUrl)).size).toBe(seeded.sendable.length)

      // The document without a NIP, as the accountant sees it through the API.
      const { documents } = await api<{ documents: Record<string, unknown>[] }>(
        '/v1/connections/erp/documents?state=unmappable',
      )
      expect(documents).toEqual([
        expect.objectContaining({
          ref: seeded.withoutNip,
          code: 'BUYER_NIP_MISSING',
          invoiceId: null,
          fix: expect.stringMatching(/NIP/),
        }),
      ])
      expect(await connection()).toMatchObject({ status: 'active', documents: { unmappable: 1 } })
      hub.child.kill('SIGTERM')
      expect(await hub.exited).toBe(0)
    },
    OUTAGE_MS + 1_200_000,
  )
})
