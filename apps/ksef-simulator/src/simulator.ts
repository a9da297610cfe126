/**
 * Starting and stopping a simulator: the store, the keys, the processor and the HTTP server on 127.0.0.1.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { createApp } from './app.ts'
import type { ResolvedOptions, Simulator } from './context.ts'
import { systemClock } from './core/clock.ts'
import { FaultRegistry } from './faults/registry.ts'
import { buildExport } from './invoices/exports/build.ts'
import { RateLimiter } from './limits/rate-limiter.ts'
import { InvoiceProcessor } from './processing/processor.ts'
import { KeyRing } from './security/key-ring.ts'
import { startBatchProcessing } from './sessions/batch/processing.ts'
import { openDatabase } from './store/database.ts'
import { ExportStore } from './store/export-store.ts'
import { TestDataStore } from './store/testdata-store.ts'
import { TokenStore } from './store/token-store.ts'
import { createKsefToken } from './tokens/create-token.ts'

/** Options of {@link startSimulator}. */
export interface SimulatorOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number
  /** Keep state in this directory (survives restarts); in memory without it. */
  dataDir?: string
  /** No admin API and no faults: behave like KSeF only. */
  strict?: boolean
  /** `relaxed` (default): ten times the PRD limits; `prd`: the PRD limits. */
  rateLimits?: 'prd' | 'relaxed'
  /** How long an invoice takes from 100 to its outcome (default 0: as fast as possible). */
  processingDelayMs?: number
  /**
   * How long a batch session reads as still being processed (150) after its last invoice has its outcome, as KSeF
   * builds the session's UPO then (default 0).
   */
  sessionCompletionDelayMs?: number
  /** KSeF tokens to create at start (context and author: the NIP; permissions: InvoiceWrite, InvoiceRead). */
  seedTokens?: { nip: string; token: string }[]
  /** Check NIP checksums of the invoice parties, as PRD does (TEST does not). Default false. */
  nipChecksums?: boolean
  /** Lifetime of access tokens in seconds (default 900). */
  accessTokenTtlSeconds?: number
  /** Largest export part before encryption, in bytes (default 50 MB as on KSeF). */
  exportPartBytes?: number
  /** Records per metadata filter set and export package before truncation (default 10,000 as on KSeF). */
  queryRecordLimit?: number
  /** Where diagnostics go (default: stderr). */
  log?: (message: string) => void
}

/** A running simulator. */
export interface RunningSimulator {
  /** `http://127.0.0.1:PORT/v2` */
  readonly url: string
  /** `http://127.0.0.1:PORT/__admin` */
  readonly adminUrl: string
  /** Stops the server, the processing and closes the store. */
  close(): Promise<void>
}

function secretOf(db: ReturnType<typeof openDatabase>): string {
  const stored = db.get<{ value: string }>("SELECT value FROM meta WHERE key = 'secret'")
  if (stored) return stored.value
  const secret = randomBytes(32).toString('base64url')
  db.run("INSERT INTO meta(key, value) VALUES ('secret', ?)", secret)
  return secret
}

/**
 * Starts a simulator.
 *
 * @example
 * ```ts
 * const sim = await startSimulator({ port: 0 })
 * const keys = await fetch(`${sim.url}/security/public-key-certificates`).then((r) => r.json())
 * await sim.close()
 * ```
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const resolved: ResolvedOptions = {
    strict: options.strict ?? false,
    rateLimits: options.rateLimits ?? 'relaxed',
    processingDelayMs: Math.max(0, options.processingDelayMs ?? 0),
    sessionCompletionDelayMs: Math.max(0, options.sessionCompletionDelayMs ?? 0),
    nipChecksums: options.nipChecksums ?? false,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 900,
    exportPartBytes: options.exportPartBytes ?? 50_000_000,
    queryRecordLimit: options.queryRecordLimit ?? 10_000,
  }
  const clock = systemClock()
  const db = openDatabase({ dataDir: options.dataDir })
  try {
    const keys = await KeyRing.open(db, clock.now())
    const faults = new FaultRegistry(clock)
    const log = options.log ?? ((message: string) => process.stderr.write(`[ksef-simulator] ${message}\n`))
    const processor = new InvoiceProcessor({ db, clock, options: resolved, faults, log })
    const sim: Simulator = {
      options: resolved,
      clock,
      db,
      keys,
      secret: secretOf(db),
      faults,
      rateLimiter: new RateLimiter(clock, new TestDataStore(db), resolved.rateLimits),
      processor,
      log,
    }
    for (const seed of options.seedTokens ?? []) {
      if (new TokenStore(db).byToken(seed.token)) continue
      createKsefToken(sim, {
        context: { type: 'Nip', value: seed.nip },
        author: { type: 'Nip', value: seed.nip },
        permissions: ['InvoiceWrite', 'InvoiceRead'],
        description: 'seeded at start',
        token: seed.token,
      })
    }
    const app = createApp(sim)
    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const created = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: '127.0.0.1' }, () =>
        resolve(created),
      )
      created.once('error', reject)
    })
    server.on('clientError', (_error, socket) => socket.destroy())
    processor.resume((session) => startBatchProcessing(sim, session.referenceNumber))
    for (const running of new ExportStore(db).allRunning()) {
      processor.track(
        buildExport(sim, running).catch((error: unknown) => log(`export resume failed: ${String(error)}`)),
      )
    }
    const port = (server.address() as AddressInfo).port
    let closing: Promise<void> | undefined
    return {
      url: `http://127.0.0.1:${port}/v2`,
      adminUrl: `http://127.0.0.1:${port}/__admin`,
      close: () => {
        closing ??= (async () => {
          await processor.stop()
          await new Promise<void>((resolve) => {
            server.close(() => resolve())
            if ('closeAllConnections' in server) server.closeAllConnections()
          })
          db.close()
        })()
        return closing
      },
    }
  } catch (error) {
    db.close()
    throw error
  }
}
