/**
 * The custom connector end to end on PostgreSQL: a REST source with 500 invoices and 20 credit notes (and one
 * invoice whose customer has no NIP) is pulled by a worker process that is SIGKILLed in the middle of a pull and
 * again in the middle of write-backs, while the source goes down for five minutes. At the end every document is
 * one invoice confirmed by KSeF (the simulator received each exactly once), its KSeF number written into the
 * source exactly once, and the one without a NIP carries a clear reason and reached nothing.
 */
import custom from '@ksef-hub/connector-custom'
import { randomNip } from '@ksef-hub/fa3/testing'
import { type RunningSimulator, startSimulator } from '@ksef-hub/ksef-simulator'
import {
  connectorRegistry,
  createTenant,
  generateMasterKey,
  masterKeyRing,
  type PipelineContext,
  putSecret,
  requestPull,
  saveConnection,
  silentLogger,
  startBoss,
} from '@ksef-hub/pipeline'
import { openTestDatabase, type TestDatabase } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnWorker, type WorkerProcess } from '../chaos/worker-process.ts'
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

describe('the custom connector end to end on PostgreSQL, through worker SIGKILLs and a source outage', () => {
  let database: TestDatabase
  let context: PipelineContext
  let sim: RunningSimulator
  let seeded: SeededErp
  let worker: WorkerProcess | undefined
  let connectionId: string
  const masterKey = generateMasterKey()
  const nip = randomNip()
  const tenantId = 'erp-pg'

  beforeAll(async () => {
    database = await openTestDatabase('postgres')
    const boss = await startBoss(database, { supervise: false, schedule: false })
    context = { db: database.db, boss, keys: masterKeyRing(masterKey), now: () => new Date(), logger: silentLogger }
    sim = await startSimulator({ port: 0, processingDelayMs: 20, log: () => {} })
    seeded = await seededErp()
    await createTenant(context.db, { id: tenantId, name: 'ERP', nip, environment: 'test', ksefBaseUrl: sim.url })
    await putSecret(context.db, context.keys, tenantId, 'ksef-token', await issueToken(sim, nip))
    const connection = await saveConnection(context.db, context.keys, connectorRegistry([custom]), tenantId, {
      name: 'erp',
      connector: 'custom',
      settings: erpSettings(seeded.erp.url),
      secrets: { apiKey: seeded.erp.apiKey, webhookSecret: seeded.erp.webhookSecret },
    })
    connectionId = connection.id
  })
  afterAll(async () => {
    worker?.child.kill('SIGKILL')
    await context?.boss.stop({ graceful: false })
    await database?.destroy()
    await sim?.close()
    await seeded?.erp.close()
  })

  const connection = () =>
    context.db.selectFrom('connections').selectAll().where('id', '=', connectionId).executeTakeFirstOrThrow()
  const invoices = () =>
    context.db
      .selectFrom('invoices')
      .select(['source_ref', 'state', 'ksef_number', 'writeback_state'])
      .where('tenant_id', '=', tenantId)
      .execute()
  const progress = async () => {
    const rows = await invoices()
    const states = rows.reduce<Record<string, number>>((all, row) => {
      const key = `${row.state}/${row.writeback_state}`
      all[key] = (all[key] ?? 0) + 1
      return all
    }, {})
    const documents = await context.db
      .selectFrom('source_documents')
      .select(['state', (eb) => eb.fn.countAll<string>().as('count')])
      .where('connection_id', '=', connectionId)
      .groupBy('state')
      .execute()
    return `${JSON.stringify(states)} documents ${JSON.stringify(documents)} connection ${JSON.stringify({ ...(await connection()), settings: undefined })}\n${worker?.tail()}`
  }
  const kill = async () => {
    const victim = worker as WorkerProcess
    victim.child.kill('SIGKILL')
    expect(await victim.exited).toBe('SIGKILL')
  }

  it(
    'sends every document once, writes each KSeF number back once, and names why one was not sent',
    async () => {
      const env = {
        DATABASE_URL: database.url as string,
        KSEF_HUB_MASTER_KEY: masterKey,
        KSEF_HUB_CONNECTOR_TIMEOUT_MS: '2000',
        // Retries of a source's work wait at most 30 s: the five-minute outage is outlasted within the retry limits.
        KSEF_HUB_CONNECTOR_RETRY_MAX_SECONDS: '30',
      }
      worker = spawnWorker(env)
      await requestPull(context, { tenantId, connectionId, reason: 'api' })

      // 1. A SIGKILL in the middle of a pull: pages are saved, the next request of the source hangs, the worker dies.
      await waitUntil(async () => (await connection()).cursor_at !== null, 120_000, progress)
      seeded.erp.failNext({ hang: true }, 2)
      await sleep(300)
      const cursorAtKill = (await connection()).cursor
      await kill()
      expect((await connection()).pull_lease_owner).not.toBeNull()
      worker = spawnWorker(env)

      // 2. A SIGKILL in the middle of write-backs: some documents carry their KSeF number, others not yet.
      await waitUntil(async () => seeded.erp.writeBackCounts().size >= 20, 300_000, progress)
      seeded.erp.failNext({ hang: true }, 2)
      await sleep(300)
      expect(seeded.erp.writeBackCounts().size).toBeLessThan(seeded.sendable.length)
      await kill()
      worker = spawnWorker(env)

      // 3. The source goes down; invoices issued meanwhile are found when it is back.
      await seeded.erp.outage('unavailable')
      const during = seeded.erp.seed({ invoices: 5 }).invoices
      seeded.sendable.push(...during)
      await sleep(OUTAGE_MS)
      await seeded.erp.outage(false)

      await waitUntil(
        async () => {
          const rows = await invoices()
          return (
            rows.length === seeded.sendable.length &&
            rows.every((row) => row.state === 'confirmed' && row.writeback_state === 'done')
          )
        },
        600_000,
        progress,
      )
      const rows = await invoices()
      expect(rows.map((row) => row.source_ref).sort()).toEqual([...seeded.sendable].sort())
      const ksefNumbers = new Map(rows.map((row) => [row.source_ref, row.ksef_number]))
      await expectSentAndWrittenBackOnce(seeded, sim.adminUrl, (ref) => ksefNumbers.get(ref))
      expect((await receivedBy(sim.adminUrl)).size).toBe(seeded.sendable.length)
      expect(cursorAtKill).not.toBeNull()

      // The document without a NIP: a reason a person can act on, and nothing sent.
      const refused = await context.db
        .selectFrom('source_documents')
        .select(['state', 'code', 'field', 'reason', 'fix', 'invoice_id'])
        .where('connection_id', '=', connectionId)
        .where('ref', '=', seeded.withoutNip)
        .executeTakeFirstOrThrow()
      expect(refused).toMatchObject({ state: 'unmappable', code: 'BUYER_NIP_MISSING', invoice_id: null })
      expect(refused.field).toMatch(/nip/i)
      expect(refused.fix).toMatch(/NIP/)
      const final = await connection()
      expect(final).toMatchObject({ status: 'active', enabled: true })
      worker?.child.kill('SIGTERM')
      expect(await worker?.exited).toBe(0)
    },
    OUTAGE_MS + 1_200_000,
  )
})
