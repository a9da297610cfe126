/**
 * The hub's configuration: twelve-factor, read from the environment in one place, checked with zod, with errors
 * that name the variable and say what a good value looks like.
 *
 * @module
 */
import { join } from 'node:path'
import { z } from 'zod'
import type { DatabaseConfig } from '../db/database.ts'
import { PipelineError } from '../errors.ts'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

const port = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(0, 'must be 0..65535')
  .max(65535, 'must be 0..65535')

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value)

/** The environment variables the hub reads, with their defaults. */
export const configSchema = z.object({
  /** PostgreSQL connection string; unset: embedded PGlite in `${KSEF_HUB_DATA_DIR}/pglite`. */
  DATABASE_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// connection string')
      .optional(),
  ),
  /** Where the embedded database and the generated master key live. */
  KSEF_HUB_DATA_DIR: z.preprocess(blankToUndefined, z.string().default('.data')),
  /** The gateway's port. */
  PORT: z.preprocess(blankToUndefined, port.default(3000)),
  /** The gateway's interface; 127.0.0.1 unless exposed on purpose. */
  HOST: z.preprocess(blankToUndefined, z.string().default('127.0.0.1')),
  /** 32 random bytes in Base64 that encrypt tenants' secrets. */
  KSEF_HUB_MASTER_KEY: z.preprocess(blankToUndefined, z.string().optional()),
  /** Earlier master keys (comma-separated), still able to decrypt until `rotate` has re-wrapped everything. */
  KSEF_HUB_OLD_MASTER_KEYS: z.preprocess(blankToUndefined, z.string().optional()),
  LOG_LEVEL: z.preprocess(blankToUndefined, z.enum(LOG_LEVELS).default('info')),
  /** Which parts this process runs: the HTTP gateway, the job worker, or both. */
  KSEF_HUB_ROLE: z.preprocess(blankToUndefined, z.enum(['gateway', 'worker', 'all']).default('all')),
  /** The folder of declarative tenant files, reconciled at start. */
  KSEF_HUB_TENANTS_DIR: z.preprocess(blankToUndefined, z.string().default('tenants')),
})

/** The hub's configuration, defaults applied. */
export type HubConfig = z.output<typeof configSchema>

/**
 * Reads the configuration from an environment.
 *
 * @throws {@link PipelineError} `CONFIGURATION`, naming every variable at fault
 * @example
 * ```ts
 * const config = loadConfig(process.env)
 * config.PORT // 3000 unless PORT is set
 * ```
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): HubConfig {
  const parsed = configSchema.safeParse(env)
  if (parsed.success) return parsed.data
  const problems = parsed.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '')
    const value = env[variable]
    // Never echo a key back: the message may end up in a log.
    const shown = variable.includes('KEY') || variable === 'DATABASE_URL' ? '' : ` (got "${value}")`
    return `${variable} ${issue.message}${shown}`
  })
  throw new PipelineError('CONFIGURATION', `invalid configuration: ${problems.join('; ')}`, { problems })
}

/**
 * Where the database is for a configuration: PostgreSQL at `DATABASE_URL`, or embedded PGlite in
 * `${KSEF_HUB_DATA_DIR}/pglite`. Every process of the hub (gateway, worker, CLI) opens it through this.
 *
 * @example
 * ```ts
 * const database = await openDatabase(databaseConfigOf(loadConfig(process.env)))
 * ```
 */
export function databaseConfigOf(config: HubConfig): DatabaseConfig {
  return config.DATABASE_URL ? { url: config.DATABASE_URL } : { dataDir: join(config.KSEF_HUB_DATA_DIR, 'pglite') }
}
