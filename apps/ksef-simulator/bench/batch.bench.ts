/**
 * Benchmark: one batch session of 10,000 FA(3) invoices. The simulator runs as its own process (started
 * through the CLI, as integrators run it), so its memory is measured alone: heap and RSS sampled through
 * `GET /__admin/health`, peak RSS from `/proc/<pid>/status` (VmHWM). Reports how fast it accepts the batch
 * (open, upload, close) and processes it (close -> status 200: decryption, archive, XSD validation, duplicate
 * check, KSeF numbers, metadata, UPO).
 *
 * Run: `node apps/ksef-simulator/bench/batch.bench.ts [--count N] [--parts N] [--memory]`
 * (`--memory`: in-memory store; default: a data directory, i.e. the SQLite file in WAL mode).
 *
 * @module
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { sendBatch } from '../src/testing/batch.ts'
import { invoiceXml } from '../src/testing/invoices.ts'
import { admin, MiniKsef } from '../src/testing/mini-client.ts'
import { zipFiles } from '../src/testing/zip-writer.ts'

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    parts: { type: 'string', default: '2' },
    memory: { type: 'boolean', default: false },
  },
})
const count = Number(values.count)
const partCount = Number(values.parts)
const NIP = '5265877635'
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10
const cli = new URL('../../cli/src/main.ts', import.meta.url).pathname

const dataDir = values.memory ? undefined : mkdtempSync(join(tmpdir(), 'ksef-sim-bench-'))
const child = spawn(process.execPath, [cli, 'simulator', '--port', '0', ...(dataDir ? ['--data', dataDir] : [])], {
  stdio: ['ignore', 'pipe', 'inherit'],
})
const firstLine = await new Promise<string>((resolve, reject) => {
  createInterface({ input: child.stdout }).once('line', resolve)
  child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)))
})
const url = firstLine.replace('KSeF simulator listening on ', '').trim()
const adminUrl = url.replace(/\/v2$/, '/__admin')

function vm(field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : undefined
  } catch {
    return undefined
  }
}

try {
  const ksef = new MiniKsef(url)
  const { token } = (await admin(adminUrl, 'POST', '/tokens', { nip: NIP })).json
  const { accessToken } = await ksef.loginWithKsefToken(NIP, token)
  const stamp = Date.now()
  const files = Array.from({ length: count }, (_, i) => ({
    name: `invoice-${i + 1}.xml`,
    data: Buffer.from(invoiceXml({ sellerNip: NIP, number: `FV/BENCH/${stamp}/${i + 1}`, issueDate: '2026-01-15' })),
  }))
  const archive = zipFiles(files)
  const idle = (await admin(adminUrl, 'GET', '/health')).json.memory
  let peakHeap = idle.heapUsed
  let peakRssSampled = idle.rss

  const t0 = performance.now()
  const batch = await sendBatch(ksef, accessToken, archive, { parts: partCount })
  const t1 = performance.now()
  if (batch.close.status !== 204) throw new Error(`close failed: ${batch.close.text}`)
  let status: { status: { code: number }; successfulInvoiceCount: number; failedInvoiceCount: number }
  let probes = 0
  let slowestProbeMs = 0
  for (;;) {
    const before = performance.now()
    const reply = await ksef.call('GET', `/sessions/${batch.referenceNumber}`, { token: accessToken })
    slowestProbeMs = Math.max(slowestProbeMs, performance.now() - before)
    probes++
    status = reply.json
    const memory = (await admin(adminUrl, 'GET', '/health')).json.memory
    peakHeap = Math.max(peakHeap, memory.heapUsed)
    peakRssSampled = Math.max(peakRssSampled, memory.rss)
    if (status.status.code >= 200) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const t2 = performance.now()
  const final = (await admin(adminUrl, 'GET', '/health')).json.memory
  console.log(
    JSON.stringify(
      {
        invoices: count,
        archiveBytes: archive.length,
        parts: partCount,
        store: dataDir ? 'SQLite file (WAL)' : 'SQLite :memory:',
        sessionStatus: status.status.code,
        successful: status.successfulInvoiceCount,
        failed: status.failedInvoiceCount,
        acceptSeconds: Math.round(t1 - t0) / 1000,
        acceptedPerSecond: Math.round(count / ((t1 - t0) / 1000)),
        processSeconds: Math.round(t2 - t1) / 1000,
        processedPerSecond: Math.round(count / ((t2 - t1) / 1000)),
        endToEndPerSecond: Math.round(count / ((t2 - t0) / 1000)),
        statusProbesWhileProcessing: probes,
        slowestStatusProbeMs: Math.round(slowestProbeMs),
        simulatorMemoryMB: {
          idleRss: mb(idle.rss),
          idleHeap: mb(idle.heapUsed),
          peakRss: mb(vm('VmHWM') ?? peakRssSampled),
          peakHeapSampled: mb(peakHeap),
          finalRss: mb(final.rss),
          finalHeap: mb(final.heapUsed),
        },
        node: process.version,
      },
      null,
      2,
    ),
  )
} finally {
  child.kill('SIGTERM')
  await new Promise((resolve) => child.once('exit', resolve))
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
}
