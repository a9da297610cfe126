/**
 * The bulk benchmark's load generator (a separate process): builds request bodies of BENCH_BULK_SIZE invoices
 * with unique numbers ahead of time, then posts them from BENCH_CLIENTS concurrent clients for BENCH_SECONDS and
 * prints one JSON line: invoices stored per second and request latencies.
 *
 * @module
 */
const url = process.env.BENCH_URL as string
const apiKey = process.env.BENCH_API_KEY as string
const [prefix, suffix] = (process.env.BENCH_BODY as string).split('__NUMBER__') as [string, string]
const seconds = Number(process.env.BENCH_SECONDS ?? 15)
const size = Number(process.env.BENCH_BULK_SIZE ?? 1000)
const clients = Number(process.env.BENCH_CLIENTS ?? 3)
// Enough bodies for a generous upper bound of the rate, so building never happens while measuring.
const bodies: string[] = []
const needed = Math.ceil((20_000 * seconds) / size) + clients
for (let b = 0; b < needed; b++) {
  const items: string[] = []
  for (let n = 0; n < size; n++) items.push(`{"invoice":${prefix}B/${b}/${n}${suffix}}`)
  bodies.push(`{"invoices":[${items.join(',')}]}`)
}
const latencies: number[] = []
let stored = 0
let next = 0
const deadline = performance.now() + seconds * 1000
const started = performance.now()
await Promise.all(
  Array.from({ length: clients }, async () => {
    while (performance.now() < deadline && next < bodies.length) {
      const body = bodies[next++] as string
      const sent = performance.now()
      const response = await fetch(`${url}/v1/invoices/bulk`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body,
      })
      const answer = (await response.json()) as { accepted: number; failed: number }
      latencies.push(performance.now() - sent)
      if (response.status !== 200 || answer.failed) {
        throw new Error(`bulk failed: ${response.status} ${JSON.stringify(answer).slice(0, 300)}`)
      }
      stored += answer.accepted
    }
  }),
)
const elapsed = (performance.now() - started) / 1000
latencies.sort((a, b) => a - b)
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0
console.log(
  JSON.stringify({
    invoicesPerSecond: stored / elapsed,
    requests: latencies.length,
    p50: at(0.5),
    p99: at(0.99),
    clients,
  }),
)
