/**
 * One gateway process of the benchmark's cluster mode (BENCH_GATEWAYS > 1): opens the benchmark database and
 * serves on the shared port (node:cluster distributes the connections). Tells the primary when it listens.
 *
 * @module
 */
import { generateMasterKey, masterKeyRing, openDatabase, silentLogger, startBoss } from '@ksef-hub/pipeline'
import { startGateway } from '../src/index.ts'

const url = process.env.BENCH_DATABASE_URL as string
const database = await openDatabase({ url, poolSize: 10, migrate: false })
const boss = await startBoss(database, { supervise: false, schedule: false })
const context = {
  db: database.db,
  boss,
  keys: masterKeyRing(generateMasterKey()),
  now: () => new Date(),
  logger: silentLogger,
}
const gateway = await startGateway({
  context,
  port: Number(process.env.BENCH_PORT),
  options: { accessLog: false, rateLimit: { requestsPerSecond: 1e9, burst: 1e9 } },
})
process.send?.('listening')
process.on('message', async (message) => {
  if (message !== 'stop') return
  await gateway.close()
  await boss.stop({ graceful: false })
  await database.close()
  process.exit(0)
})
