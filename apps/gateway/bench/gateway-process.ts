/**
 * One gateway process of the benchmark's cluster mode (BENCH_GATEWAYS > 1): opens the benchmark database and
 * serves on the shared port (node:cluster distributes the connections). Tells the primary when it listens.
 *
 * @module
 */
import { openDatabase } from '@ksef-hub/pipeline'
import { contextOn } from '@ksef-hub/pipeline/testing'
import { startGateway } from '../src/index.ts'

const url = process.env.BENCH_DATABASE_URL as string
const database = await openDatabase({ url, poolSize: 10, migrate: false })
const context = await contextOn(database)
const gateway = await startGateway({
  context,
  port: Number(process.env.BENCH_PORT),
  options: { accessLog: false, rateLimit: { requestsPerSecond: 1e9, burst: 1e9 } },
})
process.send?.('listening')
process.on('message', async (message) => {
  if (message !== 'stop') return
  await gateway.close()
  await context.boss.stop({ graceful: false })
  await database.close()
  process.exit(0)
})
