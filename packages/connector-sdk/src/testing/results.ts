/**
 * The conformance kit's vocabulary: the checks by their stable names, what a check reports, the kit's options, and
 * the kit's one error (a check that found the contract broken).
 *
 * @module
 */

/** Every check, in the order the kit runs them (`logs.redacted` last: it reads what the others logged). */
export const CHECK_NAMES = [
  'declaration',
  'map.valid',
  'map.errors',
  'pull.resume',
  'writeBack.once',
  'webhooks.valid',
  'webhooks.forged',
  'webhooks.tampered',
  'webhooks.replayed',
  'errors.401',
  'errors.429',
  'errors.5xx',
  'errors.timeout',
  'auth.rotation',
  'importIncoming.once',
  'logs.redacted',
] as const

/** A check's stable name. */
export type CheckName = (typeof CHECK_NAMES)[number]

/** What a check found. */
export interface CheckResult {
  readonly name: CheckName
  /** `not-applicable`: the connector does not declare what the check tests (never counted as passed). */
  readonly status: 'passed' | 'failed' | 'not-applicable'
  /** What was checked, why it failed, or why it does not apply. Never a secret. */
  readonly detail: string
}

/** How the kit runs. */
export interface ConformanceOptions {
  /**
   * The HTTP client's time for one exchange in the kit's contexts (default 500 ms): the fake answers at once, and
   * `errors.timeout` waits this long for each attempt at a call that never answers.
   */
  readonly timeoutMs?: number
  /** The longest a check may take before it fails as hung (default 30 s). */
  readonly checkTimeoutMs?: number
  /** Run only these checks (default: all). */
  readonly only?: readonly CheckName[]
}

/** The options with their defaults. */
export interface ResolvedOptions {
  readonly timeoutMs: number
  readonly checkTimeoutMs: number
  readonly checks: readonly CheckName[]
}

/**
 * Fills in the defaults and checks the names in `only`.
 *
 * @throws {TypeError} for a check name the kit does not have
 * @example
 * ```ts
 * resolveOptions({ only: ['writeBack.once'] }).checks // ['writeBack.once']
 * ```
 */
export function resolveOptions(options: ConformanceOptions = {}): ResolvedOptions {
  for (const name of options.only ?? []) {
    if (!(CHECK_NAMES as readonly string[]).includes(name)) {
      throw new TypeError(`the conformance kit has no check "${name}" (checks: ${CHECK_NAMES.join(', ')})`)
    }
  }
  return {
    timeoutMs: options.timeoutMs ?? 500,
    checkTimeoutMs: options.checkTimeoutMs ?? 30_000,
    checks: CHECK_NAMES.filter((name) => !options.only || options.only.includes(name)),
  }
}

/** A check found the contract broken; its message is the check's detail. */
export class ConformanceFailure extends Error {
  constructor(detail: string) {
    super(detail)
    this.name = 'ConformanceFailure'
  }
}

/**
 * Ends a check as failed.
 *
 * @example
 * ```ts
 * if (effects !== 1) fail(`write-back twice left ${effects} effects in document ${ref}; expected 1`)
 * ```
 */
export function fail(detail: string): never {
  throw new ConformanceFailure(detail)
}

/**
 * An error as a short phrase for a detail: its class, kind or code, and message.
 *
 * @example
 * ```ts
 * describeError(new ConnectorError('transient', 'GET /x answered 503')) // "ConnectorError(transient): GET /x answered 503"
 * ```
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return `a thrown ${typeof error} (${String(error)})`
  const { kind, code } = error as { kind?: unknown; code?: unknown }
  const tag = typeof code === 'string' ? code : typeof kind === 'string' ? kind : undefined
  return `${error.name}${tag ? `(${tag})` : ''}: ${error.message}`
}
