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

const milliseconds = z.coerce.number({ error: 'must be a number of milliseconds' }).int('must be whole').positive()

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
  /**
   * The address source systems reach the gateway at (`https://hub.example.com`), from which connections' webhook
   * URLs are made; unset: connectors that subscribe to webhooks (Business Central) rely on their pulls.
   */
  KSEF_HUB_PUBLIC_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(
        /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/,
        'must be an http(s):// address without a query (https://hub.example.com)',
      )
      .optional(),
  ),
  /** The gateway's interface; 127.0.0.1 unless exposed on purpose. */
  HOST: z.preprocess(blankToUndefined, z.string().default('127.0.0.1')),
  /** 32 random bytes in Base64 that encrypt tenants' secrets. */
  KSEF_HUB_MASTER_KEY: z.preprocess(blankToUndefined, z.string().optional()),
  /** Earlier master keys (comma-separated), still able to decrypt until `rotate` has re-wrapped everything. */
  KSEF_HUB_OLD_MASTER_KEYS: z.preprocess(blankToUndefined, z.string().optional()),
  LOG_LEVEL: z.preprocess(blankToUndefined, z.enum(LOG_LEVELS).default('info')),
  /** Which parts this process runs: the HTTP gateway, the job worker, or both. */
  KSEF_HUB_ROLE: z.preprocess(blankToUndefined, z.enum(['gateway', 'worker', 'all']).default('all')),
  /**
   * The embedded KSeF simulator `ksef-hub start` runs for the demo tenant: `auto` (default) runs it on the
   * embedded database only, `on` always, `off` never.
   */
  KSEF_HUB_SIMULATOR: z.preprocess(blankToUndefined, z.enum(['auto', 'on', 'off']).default('auto')),
  /** The embedded simulator's port. */
  KSEF_HUB_SIMULATOR_PORT: z.preprocess(blankToUndefined, port.default(3001)),
  /** The worker's client-side KSeF rate limiter: the `official` limits, or `off` (only against a simulator). */
  KSEF_HUB_KSEF_RATE_LIMITS: z.preprocess(blankToUndefined, z.enum(['official', 'off']).default('official')),
  /**
   * Whether tenants' webhooks may be delivered to private addresses (loopback, private ranges, link-local such as
   * cloud metadata): `block` (default) or `allow` (local development, receivers inside the operator's network).
   */
  KSEF_HUB_WEBHOOK_PRIVATE_NETWORKS: z.preprocess(blankToUndefined, z.enum(['allow', 'block']).default('block')),
  /**
   * Each tenant's API request budget, shared by all gateway processes: requests a second (default 1,000) and the
   * burst above it (default twice the rate).
   */
  KSEF_HUB_TENANT_REQUESTS_PER_SECOND: z.preprocess(
    blankToUndefined,
    z.coerce.number({ error: 'must be a number of requests a second' }).positive('must be above 0').optional(),
  ),
  KSEF_HUB_TENANT_REQUEST_BURST: z.preprocess(
    blankToUndefined,
    z.coerce.number({ error: 'must be a number of requests' }).int('must be a whole number').min(1).optional(),
  ),
  /** Time for one HTTP exchange with KSeF (worker default 30 s). */
  KSEF_HUB_KSEF_TIMEOUT_MS: z.preprocess(blankToUndefined, milliseconds.optional()),
  /** How long after an ambiguous send the worker looks the invoice up in KSeF (default 45 s). */
  KSEF_HUB_RECONCILE_GRACE_MS: z.preprocess(blankToUndefined, milliseconds.optional()),
  /** First and longest interval between session status polls (defaults 2 s and 60 s). */
  KSEF_HUB_POLL_FIRST_MS: z.preprocess(blankToUndefined, milliseconds.optional()),
  KSEF_HUB_POLL_MAX_MS: z.preprocess(blankToUndefined, milliseconds.optional()),
  /** How often idle queues are polled for work, in seconds (default 1; at least 0.5). */
  KSEF_HUB_QUEUE_POLL_SECONDS: z.preprocess(
    blankToUndefined,
    z.coerce.number({ error: 'must be a number of seconds' }).min(0.5, 'must be at least 0.5').optional(),
  ),
  /** How often a job's worker must show it is alive, in seconds (default 30, at least 10). */
  KSEF_HUB_JOB_HEARTBEAT_SECONDS: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'must be a number of seconds' })
      .int('must be whole')
      .min(10, 'must be at least 10')
      .optional(),
  ),
  /** How often the queue supervisor retries the jobs of dead workers, in seconds (default 60). */
  KSEF_HUB_SUPERVISE_SECONDS: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'must be a number of seconds' })
      .int('must be whole')
      .min(1, 'must be at least 1')
      .optional(),
  ),
  /** The folder of declarative tenant files, reconciled at start. */
  KSEF_HUB_TENANTS_DIR: z.preprocess(blankToUndefined, z.string().default('tenants')),
  /**
   * Connectors to load besides those of plugins/, comma-separated: npm package names, or absolute paths of modules
   * (a plugin developed outside this checkout); each default-exports one connector.
   */
  KSEF_HUB_CONNECTORS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine(
        (value) =>
          value
            .split(',')
            .map((entry) => entry.trim())
            .every(
              (entry) => /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[\w.-]+)*$/.test(entry) || entry.startsWith('/'),
            ),
        'must be npm package names or absolute module paths, separated by commas',
      )
      .optional(),
  ),
  /** Time for one HTTP exchange with a connection's source system. */
  KSEF_HUB_CONNECTOR_TIMEOUT_MS: z.preprocess(blankToUndefined, milliseconds.optional()),
  /** The longest wait between retries of a connection's pulls, write-backs and imports (how soon after an outage). */
  KSEF_HUB_CONNECTOR_RETRY_MAX_SECONDS: z.preprocess(
    blankToUndefined,
    z.coerce.number({ error: 'must be a number of seconds' }).int('must be whole').min(1).max(86_399).optional(),
  ),
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
