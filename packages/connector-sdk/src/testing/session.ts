/**
 * One run of the kit against a plugin: each check starts the fakes it needs (fresh ones, so no check sees another's
 * state), builds connector contexts with the SDK's own `createConnectorContext` over the in-memory host, and closes
 * its fakes when it ends. The session keeps what every check logged and every secret it saw, for `logs.redacted`.
 *
 * @module
 */
import type { ConnectorContext, WebhookContext } from '../contract/context.ts'
import type { AnyConnector } from '../contract/definition.ts'
import { createLimiter } from '../http/limiter.ts'
import { createConnectorContext } from '../runtime/context.ts'
import type { ConformanceFake, ConformanceHarness } from './harness.ts'
import {
  createCapturingLogger,
  createMemoryCredentialStore,
  createMemoryHubLookup,
  createRecordingFetch,
  createTimeline,
  type MemoryCredentialStore,
  type MemoryHubLookup,
  type Timeline,
} from './host.ts'
import { type CheckName, ConformanceFailure, describeError, type ResolvedOptions } from './results.ts'

/** A fresh fake and the host around it, for one check. */
export interface Rig {
  readonly fake: ConformanceFake
  /** The connection's secrets (starting as the fake's), shared by every context of this rig. */
  readonly store: MemoryCredentialStore
  readonly hub: MemoryHubLookup
  /** Secret writes and requests, in order. */
  readonly timeline: Timeline
  /** A new context, as the hub builds one for each job (same store, limiter and hub records). */
  context(): ConnectorContext<unknown, unknown>
  /** A webhook context with the stored secrets, or with `secrets` (checked against the connector's schema). */
  webhookContext(secrets?: unknown): WebhookContext<unknown, unknown>
}

/** What a check runs with. */
export interface CheckRun {
  readonly name: CheckName
  readonly connector: AnyConnector
  readonly options: ResolvedOptions
  /** Every line logged so far in this session. */
  readonly logs: readonly string[]
  /** Every secret value seen so far in this session (the fakes' secrets and what renewals stored). */
  readonly secretsSeen: readonly unknown[]
  /** Starts a fresh fake (closed when the check ends). */
  rig(): Promise<Rig>
}

/** A check of the contract. */
export interface CheckDefinition {
  readonly name: CheckName
  /** Why the check does not apply to this connector (a capability it does not declare), or `undefined`. */
  notApplicable(connector: AnyConnector): string | undefined
  /** Runs the check: returns what passed, or throws a {@link ConformanceFailure} saying what failed. */
  run(run: CheckRun): Promise<string>
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref())

/** The session's state shared by its checks. */
export interface SessionState {
  readonly logs: string[]
  readonly secretsSeen: unknown[]
}

/**
 * Runs one check on a harness: fresh fakes, a deadline, every fake closed at the end (even a failed check's).
 *
 * @example
 * ```ts
 * const result = await runCheck(writeBackOnce, harness, resolveOptions(), { logs: [], secretsSeen: [] })
 * ```
 */
export async function runCheck(
  check: CheckDefinition,
  harness: ConformanceHarness,
  options: ResolvedOptions,
  state: SessionState,
): Promise<{ status: 'passed' | 'failed'; detail: string }> {
  const rigs: { fake: ConformanceFake; store: MemoryCredentialStore; abort: AbortController }[] = []
  const connector = harness.connector
  const run: CheckRun = {
    name: check.name,
    connector,
    options,
    logs: state.logs,
    secretsSeen: state.secretsSeen,
    async rig() {
      const fake = await harness.start()
      const abort = new AbortController()
      const timeline = createTimeline()
      const store = createMemoryCredentialStore(fake.secrets, timeline)
      rigs.push({ fake, store, abort })
      state.secretsSeen.push(fake.secrets)
      const hub = createMemoryHubLookup()
      const logger = createCapturingLogger(state.logs, { check: check.name })
      const parsedSettings = connector.settings.safeParse(fake.settings)
      // One limiter per connection, as the hub keeps one per connection in a process.
      const limiter = createLimiter(parsedSettings.success ? connector.limits?.(parsedSettings.data) : undefined)
      const recordingFetch = createRecordingFetch(timeline)
      return {
        fake,
        store,
        hub,
        timeline,
        context: () =>
          createConnectorContext(connector, {
            tenant: fake.tenant,
            connection: { id: `conformance-${connector.id}`, name: connector.id },
            settings: fake.settings,
            store,
            logger,
            signal: abort.signal,
            now: () => new Date(),
            hub,
            limiter,
            timeoutMs: options.timeoutMs,
            fetch: recordingFetch,
          }),
        webhookContext: (secrets = store.stored()) => ({
          tenant: fake.tenant,
          connection: { id: `conformance-${connector.id}`, name: connector.id },
          settings: connector.settings.parse(fake.settings),
          secrets: connector.secrets.parse(secrets),
          logger,
          now: () => new Date(),
        }),
      }
    },
  }
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ConformanceFailure(`did not finish within ${options.checkTimeoutMs} ms (a call that hangs?)`)),
      options.checkTimeoutMs,
    )
  })
  try {
    return { status: 'passed', detail: await Promise.race([check.run(run), deadline]) }
  } catch (error) {
    const detail = error instanceof ConformanceFailure ? error.message : `the check threw ${describeError(error)}`
    return { status: 'failed', detail }
  } finally {
    clearTimeout(timer)
    for (const rig of rigs) {
      rig.abort.abort(new Error(`conformance check ${check.name} ended`))
      state.secretsSeen.push(...rig.store.writes)
      // A fake that cannot close must not hang the run: give it a few seconds.
      await Promise.race([rig.fake.close().catch(() => undefined), sleep(5_000)])
    }
  }
}
