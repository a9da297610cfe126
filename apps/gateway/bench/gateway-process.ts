/**
 * One gateway process of a benchmark: the cluster mode of submit.bench.ts (BENCH_GATEWAYS > 1, node:cluster
 * distributes the connections of the shared port), and the gateway of hostile.bench.ts, which must not share its
 * event loop with the load it measures. Opens the benchmark database and serves on BENCH_PORT; BENCH_INTAKE_THREADS
 * sets the intake pool (0: checks on the event loop, as before the pool). Tells the parent when it listens.
 *
 * @module
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { openDatabase } from '@ksef-hub/pipeline'
import { contextOn } from '@ksef-hub/pipeline/testing'
import { startGateway } from '../src/index.ts'

const url = process.env.BENCH_DATABASE_URL as string
const database = await openDatabase({ url, poolSize: 10, migrate: false })
const context = await contextOn(database)
const gateway = await startGateway({
  context,
  port: Number(process.env.BENCH_PORT),
  options: {
    accessLog: false,
    rateLimit: { requestsPerSecond: 1e9, burst: 1e9 },
    ...(process.env.BENCH_INTAKE_THREADS ? { intakeThreads: Number(process.env.BENCH_INTAKE_THREADS) } : {}),
  },
})
// How long the event loop was held up: what every tenant's requests waited for, whatever the client measured.
const delay = monitorEventLoopDelay({ resolution: 5 })
delay.enable()
// And how busy it was (the share of the time it ran JavaScript or native work, not waiting for events).
let utilization = performance.eventLoopUtilization()
process.send?.('listening')
process.on('message', async (message) => {
  if (message === 'delay') {
    const busy = performance.eventLoopUtilization(utilization).utilization
    process.send?.({ p99: delay.percentile(99) / 1e6, max: delay.max / 1e6, busy })
    delay.reset()
    utilization = performance.eventLoopUtilization()
    return
  }
  if (message !== 'stop') return
  await gateway.close()
  await context.boss.stop({ graceful: false })
  await database.close()
  process.exit(0)
})
