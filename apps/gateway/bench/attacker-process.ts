/**
 * The hostile tenant of hostile.bench.ts, in a process of its own (writing endless bodies as fast as the socket
 * takes them would otherwise hold up the event loop that times the victim's requests). Gets the gateway's URL,
 * its API key, how long and which bodies from the environment; sends the counts of answers to its parent.
 *
 * @module
 */
import { request } from 'node:http'
import { sample } from '@ksef-hub/fa3/testing'

const BASE = process.env.BENCH_BASE as string
const API_KEY = process.env.BENCH_API_KEY as string
const UNTIL = Number(process.env.BENCH_UNTIL)
const ATTACKERS = Number(process.env.BENCH_ATTACKERS ?? 4)
const ATTACK = process.env.BENCH_ATTACK ?? 'issue'

interface Body {
  readonly bytes?: Uint8Array
  readonly type: string
  readonly declared?: number
}

/** One raw request; resolves with the status once answered (0 when the connection ended first). */
function send(body: Body): Promise<number> {
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${API_KEY}`, 'content-type': body.type }
    if (body.declared !== undefined) headers['content-length'] = body.declared
    const outgoing = request(`${BASE}/v1/invoices`, { method: 'POST', headers, agent: false })
    let done = false
    const finish = (status: number) => {
      if (done) return
      done = true
      outgoing.destroy()
      resolve(status)
    }
    outgoing.on('response', (response) => {
      response.resume()
      response.on('end', () => finish(response.statusCode ?? 0))
    })
    outgoing.on('error', () => finish(0))
    outgoing.on('close', () => finish(0))
    if (body.bytes) {
      outgoing.end(body.bytes)
      return
    }
    // A body that goes on until the server answers or closes.
    const chunk = new Uint8Array(64 * 1024).fill(0x20)
    const pump = () => {
      while (!done && outgoing.write(chunk)) {}
      if (!done) outgoing.once('drain', pump)
    }
    pump()
  })
}

const valid = sample('01-VAT').xml
const crowded = new TextEncoder().encode(
  valid.replace('<Naglowek>', `<Naglowek ${Array.from({ length: 255_000 }, (_, i) => `a${i}="1"`).join(' ')}>`),
)
const heavy = new TextEncoder().encode(valid.replace('</Naglowek>', `${'<X/>'.repeat(400_000)}</Naglowek>`))
const all = [
  { name: 'attribute-heavy XML (2.95 MB)', body: { bytes: crowded, type: 'application/xml' } },
  { name: 'element-heavy XML (1.6 MB)', body: { bytes: heavy, type: 'application/xml' } },
  { name: 'declared 300 MB', body: { type: 'application/json', declared: 300_000_000 } },
  { name: 'chunked, endless', body: { type: 'application/json' } },
]
// `issue` (default): oversized and attribute-heavy; `all`: and element-heavy; or one kind by a word of its name.
const kinds =
  ATTACK === 'all'
    ? all
    : ATTACK === 'issue'
      ? all.filter((kind) => !kind.name.startsWith('element-heavy'))
      : all.filter((kind) => kind.name.includes(ATTACK))
const counts = new Map<string, Map<number, number>>()
await Promise.all(
  Array.from({ length: ATTACKERS }, async (_, lane) => {
    for (let n = lane; Date.now() < UNTIL; n++) {
      const kind = kinds[n % kinds.length] as (typeof kinds)[number]
      const status = await send(kind.body)
      const byStatus = counts.get(kind.name) ?? new Map<number, number>()
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1)
      counts.set(kind.name, byStatus)
    }
  }),
)
process.send?.(
  [...counts].map(([name, byStatus]) => `${name}: ${[...byStatus].map(([s, c]) => `${c}×${s}`).join(', ')}`),
)
