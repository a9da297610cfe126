/**
 * The CPU an invoice costs on the way into the hub through bulk intake, on each side: this process (parsing,
 * the structural check, the identities, the statements) and the PostgreSQL server (all its processes, read from
 * /proc). One request at a time, in process, so each side's share is exact; the HTTP benchmark
 * (apps/gateway/bench/submit.bench.ts) measures the throughput the two sides reach together.
 *
 *   node packages/pipeline/bench/bulk-cost.bench.ts     (PostgreSQL at TEST_POSTGRES_URL, on this machine)
 *
 * Environment: BENCH_REQUESTS (default 30), BENCH_BULK_SIZE (default 1000), BENCH_LINES (default 5), BENCH_PREFILL
 * (invoices stored before measuring, default 0: what an invoice costs when the tables and their indexes are large;
 * a checkpoint follows, so the measured writes pay their full-page images as they would in production).
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { typicalInvoice } from '@ksef-hub/fa3/testing'
import pg from 'pg'
import { submitInvoicesBulk } from '../src/bulk/bulk-intake.ts'
import { openDatabase } from '../src/db/database.ts'
import { createTenant } from '../src/tenants/tenants.ts'
import { contextOn } from '../src/testing/context.ts'
import { measurePostgresCpu } from '../src/testing/postgres-cpu.ts'

const SERVER = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 30)
const SIZE = Number(process.env.BENCH_BULK_SIZE ?? 1000)
const LINES = Number(process.env.BENCH_LINES ?? 5)
const PREFILL = Number(process.env.BENCH_PREFILL ?? 0)
const WARM_UP = 3
const NIP = '5265877635'
const TENANT = { id: 'bench', nip: NIP }

const admin = new pg.Client({ connectionString: SERVER })
await admin.connect()
const name = `ksef_hub_cost_${randomBytes(4).toString('hex')}`
await admin.query(`create database ${name}`)
const url = new URL(SERVER)
url.pathname = `/${name}`
const currentWal = async () => (await admin.query('select pg_current_wal_lsn() as lsn')).rows[0].lsn as string
const database = await openDatabase({ url: url.toString(), poolSize: 4 })
try {
  const context = await contextOn(database)
  await createTenant(database.db, { ...TENANT, name: 'Bench', environment: 'test' })
  const [prefix, suffix] = JSON.stringify(typicalInvoice({ sellerNip: NIP, number: '__NUMBER__', lines: LINES })).split(
    '__NUMBER__',
  ) as [string, string]
  // Request bodies as the gateway receives them: parsing is part of the cost.
  const body = (b: number | string) =>
    `{"invoices":[${Array.from({ length: SIZE }, (_, n) => `{"invoice":${prefix}C/${b}/${n}${suffix}}`).join(',')}]}`
  const bodies = Array.from({ length: REQUESTS + WARM_UP }, (_, b) => body(b))
  const submit = async (body: string) => {
    const results = await submitInvoicesBulk(context, {
      tenantId: TENANT.id,
      tenant: TENANT,
      items: (JSON.parse(body) as { invoices: { invoice: unknown }[] }).invoices,
    })
    const failed = results.find((result) => !result.ok)
    if (failed) throw new Error(`an invoice was refused: ${JSON.stringify(failed)}`)
  }
  for (let b = 0; b * SIZE < PREFILL; b++) await submit(body(`prefill-${b}`))
  if (PREFILL > 0) await admin.query('checkpoint')
  for (const body of bodies.slice(0, WARM_UP)) await submit(body)
  const walBefore = await currentWal()
  const node0 = process.cpuUsage()
  const postgresCpu = measurePostgresCpu()
  const started = performance.now()
  for (const body of bodies.slice(WARM_UP)) await submit(body)
  const wallMs = performance.now() - started
  const node = process.cpuUsage(node0)
  const postgresMs = postgresCpu()
  const walBytes = Number(
    (await admin.query('select pg_wal_lsn_diff(pg_current_wal_lsn(), $1) as bytes', [walBefore])).rows[0].bytes,
  )
  const invoices = REQUESTS * SIZE
  const perInvoice = (ms: number) => ((ms * 1000) / invoices).toFixed(1)
  console.log(
    `bulk intake, ${SIZE} invoices of ${LINES} lines per request, one at a time: ` +
      `this process ${perInvoice((node.user + node.system) / 1000)} µs CPU per invoice, ` +
      `PostgreSQL ${perInvoice(postgresMs)} µs CPU per invoice, ${((invoices / wallMs) * 1000).toFixed(0)} invoices/s, ` +
      `${(walBytes / invoices).toFixed(0)} bytes of WAL per invoice${PREFILL ? ` (after ${PREFILL} invoices)` : ''}`,
  )
  await context.boss.stop({ graceful: false })
} finally {
  await database.close()
  await admin.query(`drop database if exists ${name} with (force)`)
  await admin.end()
}
