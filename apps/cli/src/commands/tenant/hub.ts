/**
 * What the `tenant` commands share: opening the hub's database the way the hub does (DATABASE_URL, or the
 * embedded PGlite of KSEF_HUB_DATA_DIR), the master key, and printing a result as text or JSON.
 *
 * @module
 */
import { resolve } from 'node:path'
import {
  databaseConfigOf,
  type HubDatabase,
  isPipelineError,
  loadConfig,
  type MasterKeyRing,
  openDatabase,
  resolveMasterKey,
} from '@ksef-hub/pipeline'
import { EXIT } from '../../command.ts'
import { type Io, println } from '../../io.ts'

/** An open hub for one command. */
export interface Hub {
  readonly database: HubDatabase
  readonly keys: MasterKeyRing
}

/**
 * Runs a command's work on the hub's database and closes it; prints a PipelineError as one line (exit 1).
 *
 * @example
 * ```ts
 * return withHub(io, 'tenant list', async (hub) => { ...; return EXIT.ok })
 * ```
 */
export async function withHub(io: Io, name: string, work: (hub: Hub) => Promise<number>): Promise<number> {
  let database: HubDatabase | undefined
  try {
    const config = loadConfig(io.env)
    const dataDir = resolve(io.cwd, config.KSEF_HUB_DATA_DIR)
    const resolved = { ...config, KSEF_HUB_DATA_DIR: dataDir }
    const master = await resolveMasterKey(resolved)
    if (master.generatedAt)
      println(io.stderr, `${name}: generated a master key in ${master.generatedAt} (keep it safe)`)
    database = await openDatabase(databaseConfigOf(resolved))
    return await work({ database, keys: master.ring })
  } catch (error) {
    if (isPipelineError(error)) {
      println(io.stderr, `${name}: ${error.message}`)
      return EXIT.failed
    }
    throw error
  } finally {
    await database?.close()
  }
}

/**
 * Prints a result: JSON (one line) with `--json`, else the text lines.
 *
 * @example
 * ```ts
 * output(io, json, { id, apiKey }, [`tenant ${id} created`, `API key: ${apiKey}`])
 * ```
 */
export function output(io: Io, json: boolean | undefined, value: unknown, lines: readonly string[]): void {
  if (json) println(io.stdout, JSON.stringify(value))
  else for (const line of lines) println(io.stdout, line)
}

/**
 * Prints a usage error (exit 2).
 *
 * @example
 * ```ts
 * return usageError(io, 'tenant create', '--nip is required', USAGE)
 * ```
 */
export function usageError(io: Io, name: string, message: string, usage: string): number {
  println(io.stderr, `ksef-hub ${name}: ${message}`)
  println(io.stderr, `Usage: ksef-hub ${usage}`)
  return EXIT.usage
}
