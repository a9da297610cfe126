/**
 * Scripted bad days: the faults the admin API sets, and the questions the rest of the simulator asks about them
 * ("is there an outage on this path?", "should this invoice be cancelled with 550?").
 *
 * A fault lasts until `seconds` pass, until it has hit `count` times, or until `DELETE /__admin/faults`
 * (whichever comes first; with neither `seconds` nor `count` it lasts until deleted). `path` (a regular
 * expression over the request path, e.g. `/v2/sessions/online/.*\/invoices$`) narrows the HTTP faults.
 *
 * @module
 */
import type { Clock } from '../core/clock.ts'

/** The kinds of faults. */
export const FAULT_KINDS = [
  'outage',
  'slow',
  'drop-response',
  'batch-close-500',
  'cancel-550',
  'rate-limit-storm',
  'rotate-keys',
  'expire-tokens',
] as const

/** A kind of fault. */
export type FaultKind = (typeof FAULT_KINDS)[number]

/** A fault as the admin API takes it. */
export interface FaultSpec {
  readonly kind: FaultKind
  readonly seconds?: number
  readonly count?: number
  readonly path?: string
}

/** A fault in force. */
export interface ActiveFault {
  readonly id: number
  readonly kind: FaultKind
  readonly seconds?: number
  readonly path?: string
  readonly createdAt: string
  readonly expiresAt?: string
  remaining?: number
}

interface Stored extends ActiveFault {
  readonly pattern?: RegExp
  readonly expiresMs?: number
}

/**
 * The faults in force.
 *
 * @example
 * ```ts
 * faults.add({ kind: 'outage', seconds: 30 })
 * if (faults.take('outage', '/v2/sessions')) return outagePage()
 * ```
 */
export class FaultRegistry {
  readonly #clock: Clock
  #faults: Stored[] = []
  #nextId = 1
  #tokensRevokedBeforeMs = 0

  constructor(clock: Clock) {
    this.#clock = clock
  }

  /** Adds a fault (instant ones, `rotate-keys` and `expire-tokens`, act through `onInstant`). */
  add(spec: FaultSpec): ActiveFault {
    const now = this.#clock.nowMs()
    if (spec.kind === 'expire-tokens') this.#tokensRevokedBeforeMs = now
    const stored: Stored = {
      id: this.#nextId++,
      kind: spec.kind,
      createdAt: new Date(now).toISOString(),
      ...(spec.seconds !== undefined
        ? {
            seconds: spec.seconds,
            expiresMs: now + spec.seconds * 1000,
            expiresAt: new Date(now + spec.seconds * 1000).toISOString(),
          }
        : {}),
      ...(spec.count !== undefined ? { remaining: spec.count } : {}),
      ...(spec.path !== undefined ? { path: spec.path, pattern: new RegExp(spec.path) } : {}),
    }
    if (spec.kind !== 'rotate-keys' && spec.kind !== 'expire-tokens') this.#faults.push(stored)
    return stored
  }

  /** Removes every fault. */
  clear(): void {
    this.#faults = []
  }

  /** The faults in force. */
  list(): ActiveFault[] {
    this.#prune()
    return this.#faults.map(({ id, kind, seconds, path, createdAt, expiresAt, remaining }) => ({
      id,
      kind,
      createdAt,
      ...(seconds !== undefined ? { seconds } : {}),
      ...(path !== undefined ? { path } : {}),
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      ...(remaining !== undefined ? { remaining } : {}),
    }))
  }

  #prune(): void {
    const now = this.#clock.nowMs()
    this.#faults = this.#faults.filter(
      (fault) => (fault.expiresMs === undefined || fault.expiresMs > now) && (fault.remaining ?? 1) > 0,
    )
  }

  /** The fault of a kind that applies to a path (without using it up). */
  peek(kind: FaultKind, path?: string): ActiveFault | undefined {
    this.#prune()
    return this.#faults.find(
      (fault) => fault.kind === kind && (!fault.pattern || path === undefined || fault.pattern.test(path)),
    )
  }

  /** The fault of a kind that applies to a path, counting one hit against its `count`. */
  take(kind: FaultKind, path?: string): ActiveFault | undefined {
    const fault = this.peek(kind, path)
    if (fault && fault.remaining !== undefined) fault.remaining--
    return fault
  }

  /** Seconds left of a fault (for `Retry-After`), at least 1. */
  secondsLeft(fault: ActiveFault): number {
    const stored = fault as Stored
    if (stored.expiresMs === undefined) return 1
    return Math.max(1, Math.ceil((stored.expiresMs - this.#clock.nowMs()) / 1000))
  }

  /** Whether an access token issued at `issuedAtMs` was expired by an `expire-tokens` fault. */
  tokenRevokedBefore(issuedAtMs: number): boolean {
    return issuedAtMs < this.#tokensRevokedBeforeMs
  }
}
