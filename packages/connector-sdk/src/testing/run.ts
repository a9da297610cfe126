/**
 * Running the conformance kit: every check of the shared contract against a plugin and its fake, in a fixed
 * order, each on fresh fakes, with contexts built by the same `createConnectorContext` the hub uses.
 *
 * @module
 */
import { authRotation } from './checks/auth.ts'
import { declaration } from './checks/declaration.ts'
import { errors5xx, errors401, errors429, errorsTimeout } from './checks/errors.ts'
import { importIncomingOnce } from './checks/import.ts'
import { logsRedacted } from './checks/logs.ts'
import { mapErrors, mapValid } from './checks/mapping.ts'
import { pullResume } from './checks/pull.ts'
import { webhooksForged, webhooksReplayed, webhooksTampered, webhooksValid } from './checks/webhooks.ts'
import { writeBackOnce } from './checks/write-back.ts'
import type { ConformanceHarness } from './harness.ts'
import { type CheckName, type CheckResult, type ConformanceOptions, resolveOptions } from './results.ts'
import { type CheckDefinition, runCheck, type SessionState } from './session.ts'

const CHECKS: Readonly<Record<CheckName, CheckDefinition>> = {
  declaration,
  'map.valid': mapValid,
  'map.errors': mapErrors,
  'pull.resume': pullResume,
  'writeBack.once': writeBackOnce,
  'webhooks.valid': webhooksValid,
  'webhooks.forged': webhooksForged,
  'webhooks.tampered': webhooksTampered,
  'webhooks.replayed': webhooksReplayed,
  'errors.401': errors401,
  'errors.429': errors429,
  'errors.5xx': errors5xx,
  'errors.timeout': errorsTimeout,
  'auth.rotation': authRotation,
  'importIncoming.once': importIncomingOnce,
  'logs.redacted': logsRedacted,
}

/** A run of the kit whose checks are run one at a time (one vitest `it` each). */
export interface ConformanceSession {
  /** The checks this session runs, in order. */
  readonly checks: readonly CheckName[]
  run(name: CheckName): Promise<CheckResult>
}

/**
 * A session of the kit against a harness; `logs.redacted` reads the lines of the checks run before it.
 *
 * @throws {TypeError} for an unknown check name in `options.only`
 * @example
 * ```ts
 * const session = createConformanceSession(harness, { only: ['writeBack.once'] })
 * const result = await session.run('writeBack.once')
 * ```
 */
export function createConformanceSession(
  harness: ConformanceHarness,
  options: ConformanceOptions = {},
): ConformanceSession {
  const resolved = resolveOptions(options)
  const state: SessionState = { logs: [], secretsSeen: [] }
  return {
    checks: resolved.checks,
    async run(name) {
      const check = CHECKS[name]
      const reason = check.notApplicable(harness.connector)
      if (reason !== undefined) return { name, status: 'not-applicable', detail: reason }
      return { name, ...(await runCheck(check, harness, resolved, state)) }
    },
  }
}

/**
 * Runs the shared contract against a plugin and its fake.
 *
 * @returns one result per check, in the kit's order; a check whose capability the connector does not declare is
 *   `not-applicable`, never `passed`
 * @example
 * ```ts
 * import harness from './conformance.ts'
 * const results = await runConformance(harness, { timeoutMs: 300 })
 * const failed = results.filter((result) => result.status === 'failed')
 * ```
 */
export async function runConformance(
  harness: ConformanceHarness,
  options: ConformanceOptions = {},
): Promise<CheckResult[]> {
  const session = createConformanceSession(harness, options)
  const results: CheckResult[] = []
  for (const name of session.checks) results.push(await session.run(name))
  return results
}
