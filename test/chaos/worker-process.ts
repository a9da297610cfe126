/**
 * A worker as a separate OS process (`apps/worker/src/main.ts`), so a test can SIGKILL it mid-flight the way a
 * crash, an OOM kill or a pulled plug would.
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'

const MAIN = join(import.meta.dirname, '..', '..', 'apps', 'worker', 'src', 'main.ts')

/** A worker process and its diagnostics. */
export interface WorkerProcess {
  readonly child: ChildProcess
  /** Resolves with the exit code, or the signal that ended it. */
  readonly exited: Promise<number | NodeJS.Signals | null>
  /** The last lines of its stderr, for failure messages. */
  readonly tail: () => string
}

/**
 * Spawns a worker on a PostgreSQL database with fast test tuning.
 *
 * @example
 * ```ts
 * const worker = spawnWorker({ DATABASE_URL: url, KSEF_HUB_MASTER_KEY: key })
 * worker.child.kill('SIGKILL')
 * ```
 */
export function spawnWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      LOG_LEVEL: 'warn',
      KSEF_HUB_KSEF_RATE_LIMITS: 'off',
      KSEF_HUB_KSEF_TIMEOUT_MS: '5000',
      KSEF_HUB_RECONCILE_GRACE_MS: '1000',
      KSEF_HUB_POLL_FIRST_MS: '200',
      KSEF_HUB_POLL_MAX_MS: '1000',
      KSEF_HUB_QUEUE_POLL_SECONDS: '0.5',
      KSEF_HUB_JOB_HEARTBEAT_SECONDS: '10',
      KSEF_HUB_SUPERVISE_SECONDS: '2',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + String(chunk)).slice(-4000)
  })
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  )
  return { child, exited, tail: () => stderr }
}
