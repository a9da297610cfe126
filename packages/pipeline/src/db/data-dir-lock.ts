/**
 * One process at a time in an embedded database's folder. PGlite is PostgreSQL in a single process, without the
 * server that would otherwise arbitrate: two processes opening the same folder (the hub and a CLI command, two
 * hubs) would each write it as if alone and corrupt it. The lock file names its holder; a holder that died (a
 * crash, SIGKILL) leaves a stale file that the next opener takes over.
 *
 * @module
 */

import { mkdir, open, readFile, unlink } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { PipelineError } from '../errors.ts'

/** The file in the data folder that says who holds it. */
export const LOCK_FILE = 'ksef-hub.lock'

/** A held lock. */
export interface DataDirLock {
  /** Gives the folder up (removes the lock file if it is still this process's). */
  release(): Promise<void>
}

interface Holder {
  readonly pid: number
  readonly host: string
  readonly since: string
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to someone else, which still means the folder is in use.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function holderOf(path: string): Promise<Holder | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<Holder>
    return typeof parsed.pid === 'number'
      ? { pid: parsed.pid, host: String(parsed.host ?? ''), since: String(parsed.since ?? '') }
      : undefined
  } catch {
    return undefined
  }
}

/**
 * Takes the folder for this process.
 *
 * @throws {@link PipelineError} `DATABASE_IN_USE` naming the process that holds it
 * @example
 * ```ts
 * const lock = await lockDataDir('.data/pglite')
 * try { ... } finally { await lock.release() }
 * ```
 */
export async function lockDataDir(dir: string): Promise<DataDirLock> {
  await mkdir(dir, { recursive: true })
  const path = join(dir, LOCK_FILE)
  const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() }
  for (let attempt = 1; ; attempt++) {
    try {
      const file = await open(path, 'wx', 0o600)
      await file.writeFile(JSON.stringify(me))
      await file.close()
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw error
    }
    const holder = await holderOf(path)
    // A holder on another machine (a shared folder) cannot be checked: it counts as alive.
    if (holder && (holder.host !== me.host || alive(holder.pid))) {
      throw new PipelineError(
        'DATABASE_IN_USE',
        `the embedded database in ${dir} is in use by process ${holder.pid} on ${holder.host} (since ${holder.since}); ` +
          `stop it first (e.g. the running "ksef-hub start"), or have both use PostgreSQL through DATABASE_URL. ` +
          `If no such process runs, delete ${path}.`,
        { dir, pid: holder.pid, host: holder.host },
      )
    }
    // Stale (its process is gone) or unreadable (a crash while writing it): take it over.
    await unlink(path).catch(() => undefined)
  }
  let released = false
  return {
    async release() {
      if (released) return
      released = true
      const holder = await holderOf(path)
      if (holder?.pid === me.pid && holder.since === me.since) await unlink(path).catch(() => undefined)
    },
  }
}
