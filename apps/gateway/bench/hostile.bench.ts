/**
 * Another tenant's latency while one tenant sends hostile bodies. The gateway runs in its own process (its event
 * loop is what is measured); this process plays both tenants. The victim sends a steady, open-loop stream (a
 * request every BENCH_INTERVAL_MS whether or not the previous one has answered, so a stall is not hidden by the
 * client waiting): listing its invoices and submitting new ones as JSON and as FA(3) XML. The attacker keeps
 * BENCH_ATTACKERS connections busy with, in turn: a 2.95 MB invoice with 255,000 attributes on one element; a body
 * declaring 300 MB; a chunked body that never ends; and with BENCH_ATTACK=all also a 1.6 MB document of 400,000
 * elements, which passes the front door's checks and costs a parser ~0.5 s. Phases: the victim alone, then both.
 * The attacker runs in a process of its own (attacker-process.ts) at the lowest priority (nice 19), as if on its
 * own machine; the gateway reports how long its event loop
 * was held up in each phase; pgbench's single-row insert rate is measured in the same run (the machine's speed
 * varies).
 *
 *   node apps/gateway/bench/hostile.bench.ts     (PostgreSQL at TEST_POSTGRES_URL, pgbench on PATH)
 *
 * Environment: BENCH_SECONDS (per phase, default 15), BENCH_INTERVAL_MS (victim, default 20: 50 requests/s),
 * BENCH_ATTACKERS (default 4), BENCH_ATTACK (issue or all), BENCH_INTAKE_THREADS (the gateway's pool; 0 checks on
 * the event loop, as before it).
 *
 * @module
 */
import { execFile, fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { loadavg, setPriority } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { buildInvoiceXml } from '@ksef-hub/fa3'
import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { createTenant, issueApiKey, openDatabase } from '@ksef-hub/pipeline'
import pg from 'pg'

const run = promisify(execFile)
const SERVER = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15)
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 20)
const ATTACKERS = Number(process.env.BENCH_ATTACKERS ?? 4)
// `issue`: the bodies of issue 13 (oversized, attribute-heavy XML); `all`: those and element-heavy XML too.
const ATTACK = process.env.BENCH_ATTACK ?? 'issue'

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

async function pgbench(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  await client.query('create table bench_raw (id uuid primary key, payload text not null)')
  await client.end()
  const script = join(import.meta.dirname, 'insert.sql')
  const { stdout } = await run('pgbench', ['-n', '-c', '32', '-j', '2', '-T', '10', '-f', script, url])
  return Number(/tps = ([\d.]+)/.exec(stdout)?.[1])
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

function statuses(failures: readonly number[]): string {
  const counts = new Map<number, number>()
  for (const status of failures) counts.set(status, (counts.get(status) ?? 0) + 1)
  return [...counts].map(([status, count]) => `${count}×${status}`).join(', ') || 'none'
}

function kinds(byKind: readonly number[][]): string {
  const names = ['GET list', 'POST JSON', 'GET list', 'POST XML']
  return [1, 2, 3]
    .map((kind) => {
      const sorted = [...(byKind[kind] ?? [])].sort((a, b) => a - b)
      return `${names[kind]} p99 ${percentile(sorted, 99).toFixed(1)} ms`
    })
    .join(', ')
}

function summary(latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b)
  const f = (value: number) => value.toFixed(1)
  return `${sorted.length} requests, p50 ${f(percentile(sorted, 50))} ms, p99 ${f(percentile(sorted, 99))} ms, max ${f(sorted.at(-1) ?? Number.NaN)} ms`
}

/** The victim: an open-loop stream of reads and JSON and XML submissions; latency of each. */
async function victim(base: string, apiKey: string, until: number, nip: string, tag: string) {
  const latencies: number[] = []
  const byKind: number[][] = [[], [], [], []]
  const failures: number[] = []
  const pending: Promise<void>[] = []
  for (let n = 0; Date.now() < until; n++) {
    const started = performance.now()
    const kind = n % 4
    const number = `FV/${tag}/${n}`
    const call =
      kind === 0 || kind === 2
        ? fetch(`${base}/v1/invoices?limit=10`, { headers: { authorization: `Bearer ${apiKey}` } })
        : kind === 1
          ? fetch(`${base}/v1/invoices`, {
              method: 'POST',
              headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
              body: JSON.stringify(typicalInvoice({ sellerNip: nip, number, lines: 5 })),
            })
          : fetch(`${base}/v1/invoices`, {
              method: 'POST',
              headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/xml' },
              body: buildInvoiceXml(typicalInvoice({ sellerNip: nip, number, lines: 5 })),
            })
    pending.push(
      call.then(
        async (response) => {
          await response.arrayBuffer()
          latencies.push(performance.now() - started)
          byKind[kind]?.push(performance.now() - started)
          if (response.status >= 300) failures.push(response.status)
        },
        () => {
          failures.push(0)
        },
      ),
    )
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS))
  }
  await Promise.all(pending)
  return { latencies, byKind, failures }
}

/** The attacker, in its own process: the counts of its answers, by kind of body. */
async function attacker(base: string, apiKey: string, until: number): Promise<string[]> {
  const child = fork(join(import.meta.dirname, 'attacker-process.ts'), {
    env: { ...process.env, BENCH_BASE: base, BENCH_API_KEY: apiKey, BENCH_UNTIL: String(until) },
  })
  // A real attacker's CPU is its own machine's: here its process gets what the others leave (writing bodies as
  // fast as loopback takes them cost it most of a core, which the gateway and the victim would otherwise lose).
  if (child.pid !== undefined) setPriority(child.pid, 19)
  return new Promise((resolve) => child.once('message', (counts) => resolve(counts as string[])))
}

async function main(): Promise<void> {
  const name = `ksef_hub_hostile_${randomBytes(4).toString('hex')}`
  await admin(`create database ${name}`)
  const url = new URL(SERVER)
  url.pathname = `/${name}`
  const database = await openDatabase({ url: url.toString() })
  const keys: Record<string, string> = {}
  for (const [id, nip] of [
    ['victim', '5265877635'],
    ['attacker', '9999999999'],
  ] as const) {
    await createTenant(database.db, { id, name: id, nip, environment: 'test', ksefBaseUrl: 'http://127.0.0.1:9/v2' })
    keys[id] = (await issueApiKey(database.db, id)).apiKey
  }
  await database.close()
  const port = 20_000 + Math.floor(Math.random() * 20_000)
  const gateway = fork(join(import.meta.dirname, 'gateway-process.ts'), {
    env: { ...process.env, BENCH_DATABASE_URL: url.toString(), BENCH_PORT: String(port) },
  })
  await new Promise((resolve) => gateway.once('message', resolve))
  const base = `http://127.0.0.1:${port}`
  const loopDelay = async () => {
    const answer = new Promise<{ p99: number; max: number; busy: number }>((resolve) =>
      gateway.once('message', (message) => resolve(message as { p99: number; max: number; busy: number })),
    )
    gateway.send('delay')
    const { p99, max, busy } = await answer
    return `gateway event loop: delay p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms; busy ${(busy * 100).toFixed(0)} %`
  }
  try {
    const tps = await pgbench(url.toString())
    const threads = process.env.BENCH_INTAKE_THREADS ?? 'default'
    const [load] = loadavg()
    console.log(
      `pgbench single-row insert: ${tps.toFixed(0)} tps; load average ${load?.toFixed(2)}; gateway intake threads: ${threads}`,
    )
    // Warm-up: the pool's threads compile the XSD on their first document, V8 compiles the hot paths.
    await victim(base, keys.victim as string, Date.now() + 3_000, '5265877635', 'WARM')
    await loopDelay()
    const alone = await victim(base, keys.victim as string, Date.now() + SECONDS * 1000, '5265877635', 'ALONE')
    console.log(
      `victim alone: ${summary(alone.latencies)} (${kinds(alone.byKind)}), non-2xx: ${statuses(alone.failures)}`,
    )
    console.log(`  ${await loopDelay()}`)
    const until = Date.now() + SECONDS * 1000
    const [attacked, hostile] = await Promise.all([
      victim(base, keys.victim as string, until, '5265877635', 'ATTACKED'),
      attacker(base, keys.attacker as string, until),
    ])
    console.log(
      `victim under attack: ${summary(attacked.latencies)} (${kinds(attacked.byKind)}), non-2xx: ${statuses(attacked.failures)}`,
    )
    console.log(`  ${await loopDelay()}`)
    console.log(`attacker (${ATTACKERS} connections, ${ATTACK}): ${hostile.join('; ')}`)
  } finally {
    await new Promise((resolve) => {
      gateway.once('exit', resolve)
      gateway.send('stop')
    })
    await admin(`drop database if exists ${name} with (force)`)
  }
}

await main()
