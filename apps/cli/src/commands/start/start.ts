/**
 * `ksef-hub start` (`pnpm start`): runs the hub. On the embedded defaults (no `DATABASE_URL`) that is the
 * gateway, the worker and the bundled KSeF simulator in one process on PGlite, with the demo tenant of
 * `tenants/demo.yaml` given generated credentials; with `DATABASE_URL` it runs what `KSEF_HUB_ROLE` (or
 * `--role`) says, so gateways and workers scale apart. Stops gracefully on SIGINT/SIGTERM.
 *
 * stdout carries the lines a person reads (`Gateway listening on http://HOST:PORT`, the simulator, the demo API
 * key); the JSON logs go to stderr so the two never interleave.
 *
 * @module
 */
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { startGateway } from '@ksef-hub/gateway'
import { type RunningSimulator, startSimulator } from '@ksef-hub/ksef-simulator'
import {
  createLogger,
  type HubConfig,
  isPipelineError,
  loadConfig,
  loadTenantFiles,
  type OpenPipeline,
  openPipeline,
  reconcileTenants,
  requestBudgetOf,
} from '@ksef-hub/pipeline'
import { loadConnectors, runWorker } from '@ksef-hub/worker'
import { type Command, EXIT } from '../../command.ts'
import { type Io, println } from '../../io.ts'
import { demoCredentials } from './demo-credentials.ts'

const USAGE = 'start [--role gateway|worker|all]'
const DEMO_TENANT = 'demo'

type Stoppable = { readonly name: string; readonly stop: () => Promise<void> }

function simulatorWanted(config: HubConfig): boolean {
  return config.KSEF_HUB_SIMULATOR === 'on' || (config.KSEF_HUB_SIMULATOR === 'auto' && !config.DATABASE_URL)
}

async function startHub(io: Io, config: HubConfig, running: Stoppable[]): Promise<void> {
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'ksef-hub', destination: io.stderr })
  const files = await loadTenantFiles(config.KSEF_HUB_TENANTS_DIR)
  const tenantEnv: Record<string, string | undefined> = { ...io.env }
  let sim: RunningSimulator | undefined
  let demoApiKey: string | undefined
  if (simulatorWanted(config)) {
    const demo = files.find((file) => file.id === DEMO_TENANT)
    const credentials = await demoCredentials(config.KSEF_HUB_DATA_DIR)
    // The operator's own values win; generated ones fill only what is unset.
    tenantEnv.KSEF_HUB_DEMO_KSEF_TOKEN ??= credentials.ksefToken
    tenantEnv.KSEF_HUB_DEMO_API_KEY ??= credentials.apiKey
    const token = tenantEnv.KSEF_HUB_DEMO_KSEF_TOKEN
    sim = await startSimulator({
      port: config.KSEF_HUB_SIMULATOR_PORT,
      dataDir: resolve(config.KSEF_HUB_DATA_DIR, 'simulator'),
      seedTokens: demo ? [{ nip: demo.nip, token }] : [],
      log: (message) => logger.info({ component: 'ksef-simulator' }, message),
    })
    const started = sim
    running.push({ name: 'simulator', stop: () => started.close() })
    tenantEnv.KSEF_HUB_DEMO_KSEF_BASE_URL ??= sim.url
    if (demo) demoApiKey = tenantEnv.KSEF_HUB_DEMO_API_KEY
    println(io.stdout, `KSeF simulator listening on ${sim.url} (admin ${sim.adminUrl})`)
  }

  // The gateway, the worker and the tenant files all see the same connectors.
  const connectors = await loadConnectors(config)
  const pipeline: OpenPipeline = await openPipeline(config, { logger })
  running.push({ name: 'pipeline', stop: () => pipeline.close() })
  if (pipeline.masterKey.generatedAt) {
    println(io.stderr, `Generated a master key in ${pipeline.masterKey.generatedAt}: keep it, it decrypts the secrets`)
  }
  for (const report of await reconcileTenants(pipeline.context, files, tenantEnv, connectors)) {
    if (report.error) println(io.stderr, `Tenant ${report.id} (${report.path}) not applied: ${report.error}`)
    else logger.info({ tenant: report.id, action: report.action, warnings: report.warnings }, 'tenant file applied')
  }

  const role = config.KSEF_HUB_ROLE
  if (role !== 'gateway') {
    const worker = await runWorker(pipeline.context, config, connectors)
    // The worker stops before the pipeline closes: `running` is stopped in reverse order.
    running.push({ name: 'worker', stop: () => worker.stop() })
    println(
      io.stdout,
      `Worker running on ${pipeline.database.kind === 'pglite' ? 'the embedded PGlite' : 'PostgreSQL'}`,
    )
  }
  if (role !== 'worker') {
    const gateway = await startGateway({
      context: pipeline.context,
      connectors,
      port: config.PORT,
      host: config.HOST,
      options: {
        rateLimit: requestBudgetOf(config),
        ...(config.KSEF_HUB_PUBLIC_URL ? { publicUrl: config.KSEF_HUB_PUBLIC_URL } : {}),
      },
    })
    running.push({ name: 'gateway', stop: () => gateway.close() })
    println(io.stdout, `Gateway listening on ${gateway.url}`)
    println(io.stdout, `API docs on ${gateway.url}/docs`)
    if (demoApiKey) {
      println(io.stdout, `Demo tenant "${DEMO_TENANT}" API key: ${demoApiKey}`)
      println(io.stdout, `Try: curl -s ${gateway.url}/v1/invoices -H "Authorization: Bearer ${demoApiKey}"`)
    }
  }
}

function parseRole(args: string[], io: Io): HubConfig['KSEF_HUB_ROLE'] | undefined | string {
  let values: { role?: string | undefined }
  try {
    values = parseArgs({ args, options: { role: { type: 'string' } }, allowPositionals: false, strict: true }).values
  } catch (error) {
    return (error as Error).message
  }
  if (values.role === undefined) return io.env.KSEF_HUB_ROLE
  if (values.role !== 'gateway' && values.role !== 'worker' && values.role !== 'all') {
    return `--role must be gateway, worker or all, not "${values.role}"`
  }
  return values.role
}

/** The `start` command. */
export const startCommand: Command = {
  summary: 'Run the hub: gateway, worker and (on the embedded defaults) the KSeF simulator with a demo tenant',
  usage: USAGE,
  run: async (args, io) => {
    const role = parseRole(args, io)
    if (role !== undefined && role !== 'gateway' && role !== 'worker' && role !== 'all') {
      println(io.stderr, `ksef-hub start: ${role}`)
      println(io.stderr, `Usage: ksef-hub ${USAGE}`)
      return EXIT.usage
    }
    const running: Stoppable[] = []
    const stopAll = async () => {
      for (const part of running.reverse()) await part.stop()
    }
    try {
      const loaded = loadConfig({ ...io.env, ...(role ? { KSEF_HUB_ROLE: role } : {}) })
      const config: HubConfig = {
        ...loaded,
        KSEF_HUB_DATA_DIR: resolve(io.cwd, loaded.KSEF_HUB_DATA_DIR),
        KSEF_HUB_TENANTS_DIR: resolve(io.cwd, loaded.KSEF_HUB_TENANTS_DIR),
      }
      await startHub(io, config, running)
    } catch (error) {
      await stopAll()
      const message = isPipelineError(error) ? error.message : (error as Error).message
      println(io.stderr, `ksef-hub start: ${message}`)
      return EXIT.failed
    }
    await io.untilStopped()
    println(io.stdout, 'Stopping...')
    await stopAll()
    return EXIT.ok
  },
}
