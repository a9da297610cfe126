/**
 * The promise under crashes: a worker process is SIGKILLed at random moments while 1,000 invoices flow, and
 * restarted each time. At the end every invoice is confirmed with its UPO, and the simulator received each one
 * exactly once. PostgreSQL only: the worker is a separate process, and PGlite is single-process.
 */
import { completeNip } from '@ksef-hub/fa3'
import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { type RunningSimulator, startSimulator } from '@ksef-hub/ksef-simulator'
import {
  createTenant,
  generateMasterKey,
  masterKeyRing,
  type PipelineContext,
  putSecret,
  silentLogger,
  startBoss,
  submitInvoice,
} from '@ksef-hub/pipeline'
import { openTestDatabase, type TestDatabase } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueToken } from '../ksef-client/simulator.ts'
import { spawnWorker, type WorkerProcess } from './worker-process.ts'

const INVOICES = Number(process.env.CHAOS_INVOICES ?? 1_000)
const KILLS = Number(process.env.CHAOS_KILLS ?? 8)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const between = (low: number, high: number) => low + Math.floor(Math.random() * (high - low))

describe('SIGKILL of the worker at random points', () => {
  let database: TestDatabase
  let context: PipelineContext
  let sim: RunningSimulator
  let worker: WorkerProcess | undefined
  const masterKey = generateMasterKey()
  const nip = completeNip('752100400') as string

  beforeAll(async () => {
    database = await openTestDatabase('postgres')
    const boss = await startBoss(database, { supervise: false, schedule: false })
    context = { db: database.db, boss, keys: masterKeyRing(masterKey), now: () => new Date(), logger: silentLogger }
    sim = await startSimulator({ port: 0, processingDelayMs: 20, log: () => {} })
    await createTenant(context.db, {
      id: 'chaos',
      name: 'Chaos',
      nip,
      environment: 'test',
      ksefBaseUrl: sim.url,
      settings: { batchThreshold: 40, maxBatchSize: 150 },
    })
    await putSecret(context.db, context.keys, 'chaos', 'ksef-token', await issueToken(sim, nip))
  })
  afterAll(async () => {
    worker?.child.kill('SIGKILL')
    await context?.boss.stop({ graceful: false })
    await database?.destroy()
    await sim?.close()
  })

  it(`confirms all ${INVOICES} invoices with a UPO, each received by KSeF exactly once`, async () => {
    const env = { DATABASE_URL: database.url as string, KSEF_HUB_MASTER_KEY: masterKey }
    worker = spawnWorker(env)

    // Submissions arrive in waves while the killer runs: some invoices are stored before a crash, some during
    // one, some after a restart; some in online sessions, most in batches.
    const ids: string[] = []
    const submitting = (async () => {
      for (let n = 1; n <= INVOICES; n++) {
        const invoice = typicalInvoice({ sellerNip: nip, number: `FV/CHAOS/${n}`, lines: 2, issueDate: '2026-11-02' })
        ids.push((await submitInvoice(context, { tenantId: 'chaos', invoice })).id)
        if (n % 100 === 0) await sleep(between(200, 1_500))
      }
    })()

    let kills = 0
    while (kills < KILLS) {
      await sleep(between(700, 3_500))
      const victim = worker
      victim.child.kill('SIGKILL')
      expect(await victim.exited).toBe('SIGKILL')
      kills += 1
      await sleep(between(0, 500))
      worker = spawnWorker(env)
    }
    await submitting
    expect(ids).toHaveLength(INVOICES)

    const deadline = Date.now() + 240_000
    let states = new Map<string, number>()
    for (;;) {
      const rows = await context.db
        .selectFrom('invoices')
        .select(['state'])
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('tenant_id', '=', 'chaos')
        .groupBy('state')
        .execute()
      states = new Map(rows.map((row) => [row.state, Number(row.count)]))
      if (states.get('confirmed') === INVOICES) break
      if (Date.now() > deadline || worker.child.exitCode !== null) {
        throw new Error(`not all confirmed: ${JSON.stringify([...states])}\nworker stderr:\n${worker.tail()}`)
      }
      await sleep(500)
    }

    const upos = await context.db
      .selectFrom('invoices')
      .innerJoin('upos', 'upos.invoice_id', 'invoices.id')
      .select(['invoices.invoice_number', 'invoices.ksef_number', 'upos.ksef_number as upo_ksef_number'])
      .where('invoices.tenant_id', '=', 'chaos')
      .execute()
    expect(upos).toHaveLength(INVOICES)
    for (const upo of upos) expect(upo.upo_ksef_number).toBe(upo.ksef_number)

    const received = (await (await fetch(`${sim.adminUrl}/received`)).json()) as {
      invoices: { invoiceNumber: string; timesReceived: number; ksefNumber: string | null }[]
    }
    const byNumber = new Map(received.invoices.map((invoice) => [invoice.invoiceNumber, invoice]))
    const twice = received.invoices.filter((invoice) => invoice.timesReceived !== 1)
    expect(twice).toEqual([])
    for (const upo of upos) {
      expect(byNumber.get(upo.invoice_number)?.ksefNumber).toBe(upo.ksef_number)
    }
    expect(byNumber.size).toBe(INVOICES)
    expect(kills).toBe(KILLS)
  }, 420_000)
})
