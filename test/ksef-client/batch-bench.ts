/**
 * Starts the simulator and runs the client's 10,000-invoice batch benchmark against it.
 * Run: `node test/ksef-client/batch-bench.ts`
 *
 * @module
 */
import { spawn } from 'node:child_process'
import { startSimulator } from '@ksef-hub/ksef-simulator'

const sim = await startSimulator({ port: 0, rateLimits: 'relaxed', processingDelayMs: 0 })
const bench = new URL('../../packages/ksef-client/bench/batch-simulator.bench.ts', import.meta.url).pathname
const child = spawn(process.execPath, [bench, '--base-url', sim.url, '--admin-url', sim.adminUrl], { stdio: 'inherit' })
const code = await new Promise<number>((resolve) => child.on('exit', (exitCode) => resolve(exitCode ?? 1)))
await sim.close()
process.exitCode = code
