/**
 * Benchmark: a backlog of invoices (10,000 by default) drained by one worker process against the simulator at
 * KSeF's PRD rate limits, on PostgreSQL. Reports the total time, how much of it KSeF's limits (not the hub) set
 * the pace, the 429s received (target 0) and the worker's memory.
 *
 *   node test/load/drain.bench.ts [invoices]
 *
 * "KSeF-limited" is the share of the drain during which at least one request was held back by the client-side
 * limiter (which keeps the hub exactly at KSeF's published limits): the union of those waits over the wall time,
 * computed from the KSeF exchanges the worker writes to the audit log.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { completeNip } from '@ksef-hub/fa3'
import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { startSimulator } from '@ksef-hub/ksef-simulator'
import { createTenant, generateMasterKey, openDatabase, putSecret, submitInvoice } from '@ksef-hub/pipeline'
import { contextOn } from '@ksef-hub/pipeline/testing'
import pg from 'pg'
import { spawnWorker } from '../chaos/worker-process.ts'
import { issueToken } from '../ksef-client/simulator.ts'

const COUNT = Number(process.argv[2] ?? 10_000)
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function rssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
}

/** Total length of the union of [start, end) intervals. */
function unionMs(intervals: [number, number][]): number {
  const sorted = intervals.filter(([start, end]) => end > start).sort((a, b) => a[0] - b[0])
  let total = 0
  let [from, to] = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]
  for (const [start, end] of sorted) {
    if (start > to) {
      if (to > from) total += to - from
      ;[from, to] = [start, end]
    } else if (end > to) to = end
  }
  if (to > from) total += to - from
  return total
}

const name = `ksef_hub_bench_${randomBytes(5).toString('hex')}`
const admin = new pg.Client({ connectionString: ADMIN_URL })
await admin.connect()
await admin.query(`create database ${name}`)
const url = ADMIN_URL.replace(/\/[^/]*$/, `/${name}`)
const database = await openDatabase({ url })
const masterKey = generateMasterKey()
const context = await contextOn(database, { masterKey })
const sim = await startSimulator({ port: 0, rateLimits: 'prd', log: () => {} })
const nip = completeNip('752100400') as string
let worker: ReturnType<typeof spawnWorker> | undefined
try {
  await createTenant(context.db, { id: 'bench', name: 'Bench', nip, environment: 'test', ksefBaseUrl: sim.url })
  await putSecret(context.db, context.keys, 'bench', 'ksef-token', await issueToken(sim, nip))

  const filling = Date.now()
  for (let n = 1; n <= COUNT; n++) {
    const invoice = typicalInvoice({ sellerNip: nip, number: `FV/BENCH/${n}`, lines: 5, issueDate: '2026-11-02' })
    await submitInvoice(context, { tenantId: 'bench', invoice })
  }
  const fillMs = Date.now() - filling

  const started = Date.now()
  worker = spawnWorker({
    DATABASE_URL: url,
    KSEF_HUB_MASTER_KEY: masterKey,
    KSEF_HUB_KSEF_RATE_LIMITS: 'official',
    // Production tuning otherwise: the defaults of the worker, not the chaos test's fast ones.
    KSEF_HUB_KSEF_TIMEOUT_MS: '30000',
    KSEF_HUB_RECONCILE_GRACE_MS: '45000',
    KSEF_HUB_POLL_FIRST_MS: '2000',
    KSEF_HUB_POLL_MAX_MS: '60000',
    KSEF_HUB_QUEUE_POLL_SECONDS: '1',
    KSEF_HUB_JOB_HEARTBEAT_SECONDS: '30',
    KSEF_HUB_SUPERVISE_SECONDS: '60',
    // E.g. BENCH_WORKER_NODE_OPTIONS=--max-old-space-size=256 to see how much of the RSS the worker needs.
    ...(process.env.BENCH_WORKER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS } : {}),
  })
  let peakRssKb = 0
  let confirmed = 0
  for (;;) {
    peakRssKb = Math.max(peakRssKb, await rssKb(worker.child.pid as number))
    const row = await context.db
      .selectFrom('invoices')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('state', '=', 'confirmed')
      .executeTakeFirstOrThrow()
    confirmed = Number(row.count)
    if (confirmed === COUNT) break
    if (worker.child.exitCode !== null) throw new Error(`the worker died:\n${worker.tail()}`)
    if (Date.now() - started > 3_600_000) throw new Error(`not drained in an hour: ${confirmed}/${COUNT}`)
    await sleep(500)
  }
  const totalMs = Date.now() - started
  const upos = await context.db
    .selectFrom('upos')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .executeTakeFirstOrThrow()
  // Let the worker's exchange log reach the database before reading it.
  await sleep(1_000)
  const exchanges = await context.db
    .selectFrom('audit_log')
    .select('details')
    .where('kind', '=', 'ksef.exchange')
    .execute()
  const calls = exchanges.map((row) => row.details).filter((details) => details.message === 'ksef call')
  const rateLimited =
    calls.filter((call) => call.status === 429).length +
    exchanges.filter(
      (row) => row.details.message === 'ksef call failed' && /RATE_LIMITED/.test(JSON.stringify(row.details)),
    ).length
  const waits: [number, number][] = calls
    .filter((call) => Number(call.waitedMs) > 0)
    .map((call) => [Number(call.at) - Number(call.waitedMs), Number(call.at)])
  const limitedMs = unionMs(waits)
  const byGroup = new Map<string, { calls: number; waitedMs: number; http429: number }>()
  for (const call of calls) {
    const group = String(call.group)
    const entry = byGroup.get(group) ?? { calls: 0, waitedMs: 0, http429: 0 }
    entry.calls += 1
    entry.waitedMs += Number(call.waitedMs ?? 0)
    if (call.status === 429) entry.http429 += 1
    byGroup.set(group, entry)
  }
  const sessions = await context.db
    .selectFrom('invoices')
    .select(['session_kind'])
    .select((eb) => eb.fn.count<string>('ksef_session_ref').distinct().as('sessions'))
    .groupBy('session_kind')
    .execute()
  // Where the time went: when each kind of state change first and last happened, from the worker's start.
  const transitions = await context.db
    .selectFrom('audit_log')
    .select(['from_state', 'to_state'])
    .select((eb) => [eb.fn.min('at').as('first'), eb.fn.max('at').as('last'), eb.fn.countAll<string>().as('count')])
    .where('kind', '=', 'invoice.state')
    .groupBy(['from_state', 'to_state'])
    .execute()
  const seconds = (at: unknown) => Math.round((new Date(at as string).getTime() - started) / 100) / 10
  const timeline = transitions
    .map((row) => ({
      change: `${row.from_state ?? 'new'} -> ${row.to_state}`,
      count: Number(row.count),
      firstS: seconds(row.first),
      lastS: seconds(row.last),
    }))
    .sort((a, b) => a.firstS - b.firstS)
  const result = {
    invoices: COUNT,
    intakeInvoicesPerSecond: Math.round((COUNT / fillMs) * 1000),
    drainSeconds: Math.round(totalMs / 100) / 10,
    invoicesPerSecond: Math.round((COUNT / totalMs) * 1000),
    confirmedWithUpo: Number(upos.count),
    ksefCalls: calls.length,
    http429: rateLimited,
    ksefLimitedShare: Math.round((limitedMs / totalMs) * 1000) / 1000,
    workerPeakRssMb: Math.round(peakRssKb / 1024),
    sessions: Object.fromEntries(sessions.map((row) => [row.session_kind, Number(row.sessions)])),
    byGroup: Object.fromEntries(byGroup),
    timeline,
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
} finally {
  worker?.child.kill('SIGTERM')
  await worker?.exited
  await context.boss.stop({ graceful: false, close: true })
  await database.close()
  await sim.close()
  await admin.query(`drop database if exists ${name} with (force)`)
  await admin.end()
}
