/**
 * `errors.*`: the system's failures reach the hub classified, so it knows whether to retry, wait, or ask for
 * re-authorization. The kit makes the fake fail and runs the connector's probe (see `probe.ts`):
 * - 401: `auth`; an OAuth 2 connector first renews once (a 401 once is then recovered from, a 401 again is `auth`);
 * - 429 with `Retry-After: 120`: `rate_limit` with `retryAfterMs` 120 000 (longer than the client waits inline);
 * - 503 on every attempt: `transient`;
 * - no answer at all: `transient`, within the client's timeout for each attempt the client makes.
 *
 * @module
 */
import type { AnyConnector } from '../../contract/definition.ts'
import { type ConnectorError, type ConnectorErrorKind, isConnectorError } from '../../errors.ts'
import { describeError, fail } from '../results.ts'
import type { CheckDefinition, Rig } from '../session.ts'
import { noProbe, probe } from './probe.ts'

/** Enough failures to outlast the SDK client's retries (2) within one call. */
const PERSISTENT = 5
/** Attempts the SDK client makes at an idempotent call: the first and two retries. */
const ATTEMPTS = 3
/** The most the SDK client's backoff adds over its two retries (250 ms × (1 + 2) × 1.5), and slack for a busy CI. */
const BACKOFF_SLACK_MS = 3_000

async function expectFailure(
  connector: AnyConnector,
  rig: Rig,
  kind: ConnectorErrorKind,
  what: string,
): Promise<ConnectorError> {
  try {
    await probe(connector, rig)
  } catch (error) {
    if (!isConnectorError(error)) fail(`${what}: the connector threw ${describeError(error)}, not a ConnectorError`)
    if (error.kind !== kind) fail(`${what}: classified ${error.kind} (${error.message}), not ${kind}`)
    return error
  }
  fail(`${what}: the call succeeded, as if the failure had not been seen`)
}

const oauth = (connector: AnyConnector) => connector.auth?.kind === 'oauth2'

/** The `errors.401` check. */
export const errors401: CheckDefinition = {
  name: 'errors.401',
  notApplicable: noProbe,
  async run(run) {
    const { connector } = run
    if (!oauth(connector)) {
      const rig = await run.rig()
      rig.fake.failNext({ status: 401 })
      await expectFailure(connector, rig, 'auth', '401')
      return 'a 401 is an auth error (needs_reauth): static credentials cannot be renewed'
    }
    const recovering = await run.rig()
    await recovering.context().credentials.current()
    const before = recovering.store.writes.length
    recovering.fake.failNext({ status: 401 })
    try {
      await probe(connector, recovering)
    } catch (error) {
      fail(`a single 401 was not recovered from by renewing the access token: ${describeError(error)}`)
    }
    const renewed = recovering.store.writes.length - before
    if (renewed !== 1) fail(`a single 401 led to ${renewed} stored renewals, expected 1`)
    const revoked = await run.rig()
    await revoked.context().credentials.current()
    const start = revoked.store.writes.length
    revoked.fake.failNext({ status: 401 }, 2)
    await expectFailure(connector, revoked, 'auth', '401 after a renewal')
    const renewals = revoked.store.writes.length - start
    if (renewals !== 1) fail(`a 401 after a renewal led to ${renewals} stored renewals, expected exactly 1`)
    return 'a 401 renews the access token once; a 401 again is an auth error (needs_reauth)'
  },
}

/** The `errors.429` check. */
export const errors429: CheckDefinition = {
  name: 'errors.429',
  notApplicable: noProbe,
  async run(run) {
    const rig = await run.rig()
    rig.fake.failNext({ status: 429, retryAfterSeconds: 120 })
    const error = await expectFailure(run.connector, rig, 'rate_limit', '429 with Retry-After: 120')
    if (error.retryAfterMs === undefined || Math.abs(error.retryAfterMs - 120_000) > 1_000) {
      fail(`429 with Retry-After: 120 gave retryAfterMs ${error.retryAfterMs}, not 120000`)
    }
    return `rate_limit with retryAfterMs ${error.retryAfterMs}`
  },
}

/** The `errors.5xx` check. */
export const errors5xx: CheckDefinition = {
  name: 'errors.5xx',
  notApplicable: noProbe,
  async run(run) {
    const rig = await run.rig()
    rig.fake.failNext({ status: 503 }, PERSISTENT)
    const error = await expectFailure(run.connector, rig, 'transient', `503 ${PERSISTENT} times`)
    return `transient (${error.message})`
  },
}

/** The `errors.timeout` check. */
export const errorsTimeout: CheckDefinition = {
  name: 'errors.timeout',
  notApplicable: noProbe,
  async run(run) {
    const rig = await run.rig()
    const limit = ATTEMPTS * run.options.timeoutMs + BACKOFF_SLACK_MS
    rig.fake.failNext({ hang: true }, ATTEMPTS)
    const started = performance.now()
    // Settled either way, so a verdict that comes after the kit gave up is not an unhandled rejection.
    const attempt = expectFailure(run.connector, rig, 'transient', 'a call never answered').then(
      (error) => ({ error }),
      (failure: unknown) => ({ failure }),
    )
    const outcome = await Promise.race([
      attempt,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), limit + 1_000).unref()),
    ])
    const took = Math.round(performance.now() - started)
    if (!outcome)
      fail(`a call that never answered was still waiting after ${took} ms: is every call through context.http?`)
    if ('failure' in outcome) throw outcome.failure
    if (took > limit) fail(`a call that never answered took ${took} ms to fail, more than ${limit} ms`)
    return `transient after ${took} ms (timeout ${run.options.timeoutMs} ms per attempt)`
  },
}
