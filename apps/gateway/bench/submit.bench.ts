/**
 * Load benchmark of durable invoice submission on PostgreSQL, beside the raw single-row insert rate of the same
 * database measured with pgbench in the same run.
 *
 *   node apps/gateway/bench/submit.bench.ts            (needs wrk and pgbench on PATH, PostgreSQL at TEST_POSTGRES_URL)
 *
 * Environment: BENCH_SECONDS (per phase, default 15), BENCH_CONNECTIONS (wrk, default 32), BENCH_PG_CLIENTS (pgbench,
 * default 32), BENCH_LINES (lines per
 * invoice, default 5), BENCH_BULK_SIZE (invoices per bulk request, default 1000), BENCH_ACCESS_LOG=1 (log every
 * request to /dev/null as production would to stdout), BENCH_VALIDATION=full (the single path with full validation),
 * BENCH_SKIP_BULK=1, BENCH_SKIP_SINGLE=1, BENCH_KEEP_DATABASE=1 (keep the database for a look at its plans).
 *
 * @module
 */
import { execFile } from 'node:child_process'
import cluster from 'node:cluster'
import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { createLogger, createTenant, issueApiKey, openDatabase, silentLogger } from '@ksef-hub/pipeline'
import { contextOn, measurePostgresCpu } from '@ksef-hub/pipeline/testing'
import pg from 'pg'
import { startGateway } from '../src/index.ts'

const run = promisify(execFile)
const SERVER = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32)
const PG_CLIENTS = Number(process.env.BENCH_PG_CLIENTS ?? 32)
const LINES = Number(process.env.BENCH_LINES ?? 5)
const BULK_SIZE = Number(process.env.BENCH_BULK_SIZE ?? 1000)
const GATEWAYS = Number(process.env.BENCH_GATEWAYS ?? 1)
const BULK_CLIENTS = Number(process.env.BENCH_BULK_CLIENTS ?? 3)
const NIP = '5265877635'

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

function urlOf(database: string): string {
  const url = new URL(SERVER)
  url.pathname = `/${database}`
  return url.toString()
}

async function pgbench(url: string, dir: string): Promise<{ tps: number; latencyMs: number }> {
  const script = join(dir, 'insert.sql')
  // One durable single-row insert per transaction, of a row about the size of an invoice row, as the API does.
  await writeFile(script, "insert into bench_raw (id, payload) values (gen_random_uuid(), repeat('x', 2500));\n")
  await admin(`select 1`)
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  await client.query('create table if not exists bench_raw (id uuid primary key, payload text not null)')
  await client.end()
  const { stdout } = await run(
    'pgbench',
    ['-n', '-c', String(PG_CLIENTS), '-j', '2', '-T', String(SECONDS), '-f', script, url],
    { maxBuffer: 10_000_000 },
  )
  const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1])
  const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1])
  return { tps, latencyMs }
}

interface WrkResult {
  readonly requests: number
  readonly rps: number
  readonly non2xx: number
  readonly p50: number
  readonly p90: number
  readonly p99: number
  readonly max: number
}

/** Runs wrk with a script; its `BENCH_RESULT` line's fields and the count of non-2xx answers. */
async function runWrk(
  script: string,
  options: { url: string; threads: number; connections: number; timeout: string; env: Record<string, string> },
): Promise<{ field(name: string): number; non2xx: number }> {
  const { stdout } = await run(
    'wrk',
    [
      '-t',
      String(options.threads),
      '-c',
      String(options.connections),
      '-d',
      `${SECONDS}s`,
      '--timeout',
      options.timeout,
      '-s',
      join(import.meta.dirname, script),
      options.url,
    ],
    { env: { ...process.env, ...options.env }, maxBuffer: 10_000_000 },
  )
  const line = stdout.split('\n').find((candidate) => candidate.startsWith('BENCH_RESULT')) ?? ''
  return {
    field: (name: string) => Number(new RegExp(`${name}=(\\d+)`).exec(line)?.[1]),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0),
  }
}

async function wrk(url: string, body: string, apiKey: string, path: string): Promise<WrkResult> {
  const { field, non2xx } = await runWrk('submit.lua', {
    url,
    threads: 2,
    connections: CONNECTIONS,
    timeout: '10s',
    env: { BENCH_BODY: body, BENCH_API_KEY: apiKey, BENCH_PATH: path },
  })
  const requests = field('requests')
  return {
    requests,
    rps: requests / (field('duration_us') / 1e6),
    non2xx,
    p50: field('p50_us') / 1000,
    p90: field('p90_us') / 1000,
    p99: field('p99_us') / 1000,
    max: field('max_us') / 1000,
  }
}

async function bulk(url: string, apiKey: string, template: string): Promise<BulkResult> {
  // wrk, as for the single path: a load generator in C takes little of the CPU the gateway and PostgreSQL share.
  const { field, non2xx } = await runWrk('bulk.lua', {
    url,
    threads: 1,
    connections: BULK_CLIENTS,
    timeout: '30s',
    env: { BENCH_BODY: template, BENCH_API_KEY: apiKey, BENCH_BULK_SIZE: String(BULK_SIZE) },
  })
  if (non2xx > 0 || field('failed') > 0) {
    throw new Error(`bulk requests failed: ${non2xx} non-2xx answers, ${field('failed')} invoices refused`)
  }
  return {
    invoicesPerSecond: field('accepted') / (field('duration_us') / 1e6),
    requests: field('requests'),
    p50: field('p50_us') / 1000,
    p99: field('p99_us') / 1000,
    clients: BULK_CLIENTS,
  }
}

interface BulkResult {
  readonly invoicesPerSecond: number
  readonly requests: number
  readonly p50: number
  readonly p99: number
  readonly clients: number
}

/** BENCH_GATEWAYS gateway processes on one port (node:cluster), as a deployment would run several. */
async function startCluster(databaseUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const port = 20_000 + Math.floor(Math.random() * 20_000)
  cluster.setupPrimary({ exec: join(import.meta.dirname, 'gateway-process.ts') })
  const workers = Array.from({ length: GATEWAYS }, () =>
    cluster.fork({ BENCH_DATABASE_URL: databaseUrl, BENCH_PORT: String(port) }),
  )
  await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('message', resolve))))
  let closing: Promise<unknown> | undefined
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      closing ??= Promise.all(
        workers.map(
          (worker) =>
            new Promise((resolve) => {
              worker.once('exit', resolve)
              worker.send('stop')
            }),
        ),
      )
      await closing
    },
  }
}

async function main(): Promise<void> {
  const name = `ksef_hub_bench_${randomBytes(4).toString('hex')}`
  const dir = await mkdtemp(join(tmpdir(), 'gateway-bench-'))
  await admin(`create database ${name}`)
  const url = urlOf(name)
  const database = await openDatabase({ url, poolSize: 20 })
  const logger = process.env.BENCH_ACCESS_LOG
    ? createLogger({ level: 'info', destination: createWriteStream('/dev/null') })
    : silentLogger
  const context = await contextOn(database, { logger })
  await createTenant(database.db, {
    id: 'bench',
    name: 'Bench',
    nip: NIP,
    environment: 'test',
    ksefBaseUrl: 'http://127.0.0.1:9/v2',
  })
  const { apiKey } = await issueApiKey(database.db, 'bench')
  const gateway =
    GATEWAYS > 1
      ? await startCluster(url)
      : await startGateway({
          context,
          port: 0,
          options: {
            accessLog: Boolean(process.env.BENCH_ACCESS_LOG),
            rateLimit: { requestsPerSecond: 1e9, burst: 1e9 },
          },
        })
  const template = JSON.stringify(typicalInvoice({ sellerNip: NIP, number: '__NUMBER__', lines: LINES }))
  try {
    const raw = await pgbench(url, dir)
    console.log(`pgbench single-row insert: ${raw.tps.toFixed(0)} tps (avg ${raw.latencyMs} ms, ${PG_CLIENTS} clients)`)
    const validation = process.env.BENCH_VALIDATION === 'full' ? 'full' : 'structural'
    if (!process.env.BENCH_SKIP_SINGLE) {
      const postgresCpu = measurePostgresCpu()
      const gatewayCpu = process.cpuUsage()
      const single = await wrk(gateway.url, template, apiKey, `/v1/invoices?validation=${validation}`)
      const { user, system } = process.cpuUsage(gatewayCpu)
      // With one gateway process, it is this process: its CPU per invoice beside PostgreSQL's.
      const cpu =
        GATEWAYS === 1
          ? `; CPU per invoice: gateway ${((user + system) / single.requests).toFixed(0)} µs, PostgreSQL ${((postgresCpu() * 1000) / single.requests).toFixed(0)} µs`
          : ''
      console.log(
        `POST /v1/invoices (${validation}, ${LINES} lines, ${GATEWAYS} gateway process(es), ${template.length} B): ${single.rps.toFixed(0)} invoices/s, ` +
          `p50 ${single.p50.toFixed(1)} ms, p90 ${single.p90.toFixed(1)} ms, p99 ${single.p99.toFixed(1)} ms, max ${single.max.toFixed(1)} ms, ` +
          `non-2xx ${single.non2xx}, ${CONNECTIONS} connections; ratio to pgbench ${(single.rps / raw.tps).toFixed(2)}${cpu}`,
      )
    }
    if (process.env.BENCH_SKIP_BULK) return
    const postgresCpu = measurePostgresCpu()
    const bulkResult = await bulk(gateway.url, apiKey, template)
    const postgresPerInvoice = (postgresCpu() * 1000) / (bulkResult.invoicesPerSecond * SECONDS)
    console.log(
      `POST /v1/invoices/bulk (${BULK_SIZE} per request, ${bulkResult.clients} clients): ${bulkResult.invoicesPerSecond.toFixed(0)} invoices/s stored, ` +
        `request p50 ${bulkResult.p50.toFixed(0)} ms, p99 ${bulkResult.p99.toFixed(0)} ms, ${bulkResult.requests} requests, ` +
        `PostgreSQL ${postgresPerInvoice.toFixed(0)} µs CPU per invoice`,
    )
    // Requests wrk left in flight may still commit: count once the gateway has finished them, in one snapshot.
    await gateway.close()
    const counter = new pg.Client({ connectionString: url })
    await counter.connect()
    // Every stored invoice must have its way to KSeF queued: its own submit job, or a place in a fan-out job.
    const { rows } = await counter.query(
      `select (select count(*)::int from hub.invoices) as invoices,
        (select count(*)::int from pgboss.job where name = 'invoice.submit') as jobs,
        (select coalesce(sum(jsonb_array_length(data->'invoiceIds')), 0)::int from pgboss.job
          where name = 'invoice.submit-many') as fanned`,
    )
    await counter.end()
    console.log(
      `stored: ${rows[0].invoices} invoices; queued for KSeF: ${rows[0].jobs} by their own submit job, ${rows[0].fanned} in fan-out jobs`,
    )
  } finally {
    await gateway.close()
    await context.boss.stop({ graceful: false })
    await database.close()
    if (process.env.BENCH_KEEP_DATABASE) console.log(`kept database ${name}`)
    else await admin(`drop database if exists ${name} with (force)`)
    await rm(dir, { recursive: true, force: true })
  }
}

await main()
