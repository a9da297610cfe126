/**
 * Time to build, encrypt and upload a 10,000-invoice batch to the simulator (open, parallel part upload, close),
 * and then until KSeF (the simulator) reports every invoice.
 * Run against a running simulator: `node packages/ksef-client/bench/batch-simulator.bench.ts --base-url URL --admin-url URL`,
 * or let `node test/ksef-client/batch-bench.ts` start one (packages never import apps).
 *
 * @module
 */
import { parseArgs } from 'node:util'
import { nipContext } from '../src/auth/credentials.ts'
import { buildBatchPackage } from '../src/batch/batch-package.ts'
import { createKsefClient } from '../src/client.ts'
import { createSessionKey } from '../src/crypto/aes.ts'
import { sampleInvoice } from '../src/testing/sample-invoice.ts'

const COUNT = Number(process.env.BENCH_INVOICES ?? 10_000)
const NIP = '5265877635'
const { values } = parseArgs({ options: { 'base-url': { type: 'string' }, 'admin-url': { type: 'string' } } })
if (!values['base-url'] || !values['admin-url']) {
  console.error('give --base-url and --admin-url of a running simulator (or run test/ksef-client/batch-bench.ts)')
  process.exit(2)
}
const sim = { url: values['base-url'], adminUrl: values['admin-url'] }
{
  const response = await fetch(`${sim.adminUrl}/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ nip: NIP, permissions: ['InvoiceWrite', 'InvoiceRead'] }),
  })
  const { token } = (await response.json()) as { token: string }
  const stamp = Date.now()
  const invoices = Array.from({ length: COUNT }, (_, i) => ({
    fileName: `fv-${i}.xml`,
    bytes: sampleInvoice({ sellerNip: NIP, number: `BENCH/${stamp}/${i}` }),
  }))
  // Warm up, then time the package alone at the default level and stored (level 0).
  await buildBatchPackage(invoices.slice(0, 500), createSessionKey())
  for (const compressionLevel of [6, 0] as const) {
    const buildStarted = performance.now()
    const pkg = await buildBatchPackage(invoices, createSessionKey(), { compressionLevel })
    const buildMs = performance.now() - buildStarted
    console.log(
      `build + encrypt only (deflate level ${compressionLevel}): ${COUNT} invoices, archive ${pkg.fileSize} B, ${pkg.parts.length} part(s): ${buildMs.toFixed(0)} ms`,
    )
  }
  const client = createKsefClient({
    environment: { baseUrl: sim.url },
    context: nipContext(NIP),
    credentials: { kind: 'token', token },
  })
  await client.login()
  const started = performance.now()
  const submission = await client.sendBatch(invoices)
  const sentMs = performance.now() - started
  console.log(
    `build + encrypt + open + upload + close: ${sentMs.toFixed(0)} ms (session ${submission.referenceNumber})`,
  )
  const results = await client.batchResults(submission, { intervalMs: 100, maxIntervalMs: 500, maxWaitMs: 600_000 })
  const doneMs = performance.now() - started
  const accepted = results.filter((result) => result.outcome?.kind === 'accepted').length
  console.log(`until every result is read: ${doneMs.toFixed(0)} ms (${accepted}/${COUNT} accepted)`)
}
