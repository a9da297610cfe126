/**
 * The hub's processes as separate OS processes (the worker, `apps/worker/src/main.ts`; the whole hub,
 * `ksef-hub start`), so a test can SIGKILL them mid-flight the way a crash, an OOM kill or a pulled plug would.
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'

const ROOT = join(import.meta.dirname, '..', '..')
const WORKER_MAIN = join(ROOT, 'apps', 'worker', 'src', 'main.ts')
const CLI_MAIN = join(ROOT, 'apps', 'cli', 'src', 'main.ts')

/** The fast tuning of the crash tests: short polls, heartbeats and supervision, quick reconciliation. */
const FAST: Readonly<Record<string, string>> = {
  LOG_LEVEL: 'warn',
  KSEF_HUB_KSEF_RATE_LIMITS: 'off',
  KSEF_HUB_KSEF_TIMEOUT_MS: '5000',
  KSEF_HUB_RECONCILE_GRACE_MS: '1000',
  KSEF_HUB_POLL_FIRST_MS: '200',
  KSEF_HUB_POLL_MAX_MS: '1000',
  KSEF_HUB_QUEUE_POLL_SECONDS: '0.5',
  KSEF_HUB_JOB_HEARTBEAT_SECONDS: '10',
  KSEF_HUB_SUPERVISE_SECONDS: '2',
}

/** A process of the hub and its diagnostics. */
export interface WorkerProcess {
  readonly child: ChildProcess
  /** Resolves with the exit code, or the signal that ended it. */
  readonly exited: Promise<number | NodeJS.Signals | null>
  /** The last lines of its stderr, for failure messages. */
  readonly tail: () => string
}

/**
 * Spawns a worker on a PostgreSQL database with fast test tuning (the caller's env wins).
 *
 * @example
 * ```ts
 * const worker = spawnWorker({ DATABASE_URL: url, KSEF_HUB_MASTER_KEY: key })
 * worker.child.kill('SIGKILL')
 * ```
 */
export function spawnWorker(env: Record<string, string>): WorkerProcess {
  return spawnNode([WORKER_MAIN], { ...FAST, ...env })
}

/**
 * Spawns the whole hub (`ksef-hub start`) with fast test tuning; its stdout is kept for the banner.
 *
 * @example
 * ```ts
 * const hub = spawnHub({ KSEF_HUB_DATA_DIR: dir, KSEF_HUB_SIMULATOR: 'off', PORT: '4321' })
 * await hub.started
 * ```
 */
export function spawnHub(env: Record<string, string>): WorkerProcess & { readonly started: Promise<void> } {
  const hub = spawnNode([CLI_MAIN, 'start'], { ...FAST, ...env })
  let out = ''
  const started = new Promise<void>((resolve, reject) => {
    hub.child.stdout?.on('data', (chunk) => {
      out += String(chunk)
      if (/^Gateway listening on /m.test(out)) resolve()
    })
    void hub.exited.then((code) => reject(new Error(`the hub exited (${code}) before listening:\n${hub.tail()}`)))
  })
  started.catch(() => {})
  return { ...hub, started }
}

function spawnNode(args: string[], env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + String(chunk)).slice(-4000)
  })
  child.stdout?.resume()
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  )
  return { child, exited, tail: () => stderr }
}
