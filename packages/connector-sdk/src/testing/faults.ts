/**
 * Failures a test injects into a stateful fake's next calls, for fakes that answer them the way their system
 * does (its own 401 and 429 bodies, an HTML 502 page) rather than through {@link startFakeServer}'s generic ones:
 * the queue of faults with the calls each applies to, and the real-timer wait of a `slow` answer.
 *
 * @module
 */

/** The faults every stateful fake knows; a fake adds its system's own (its kinds of 429). */
export type CommonFaultKind =
  | '401'
  | '500'
  | '502'
  | '503'
  /** Answer normally, after `delayMs` (a write is applied at once). */
  | 'slow'
  /** Never answer (until the client gives up or the fake closes). */
  | 'hang'
  /** Close the connection without doing anything. */
  | 'drop'
  /** Do the request (a write is applied), then close the connection without answering. */
  | 'drop-after-write'

/** Which calls a fault applies to. Without one: any API call (token calls are left alone). */
export interface FaultMatch {
  readonly method?: string
  /** A substring or pattern of the URL path (the token endpoint's path too). */
  readonly path?: string | RegExp
}

/** Details of a fault. */
export interface FaultOptions {
  /** `Retry-After` of an injected 429 (when absent, the fake's own default, which may be none). */
  readonly retryAfterSeconds?: number
  /** The delay of a `slow` answer (default 31 s, past the SDK client's 30 s). */
  readonly delayMs?: number
}

/** A fault taken for one call. */
export interface Fault<Kind extends string = CommonFaultKind> {
  readonly kind: Kind
  readonly options: FaultOptions
}

interface Queued<Kind extends string> extends Fault<Kind> {
  remaining: number
  readonly match?: FaultMatch
}

/**
 * The injected faults, in the order they were asked for.
 *
 * @example
 * ```ts
 * const faults = new FaultQueue<CommonFaultKind | '429'>()
 * faults.add('503', 2)
 * faults.add('401', 1, { path: '/oauth2/v2.0/token' })
 * const fault = faults.take('GET', '/api/v2.0/companies', false) // { kind: '503', options: {} }
 * ```
 */
export class FaultQueue<Kind extends string = CommonFaultKind> {
  readonly #queue: Queued<Kind>[] = []

  /** Applies `kind` to the next `count` calls that `match` picks. */
  add(kind: Kind, count: number, match?: FaultMatch, options: FaultOptions = {}): void {
    this.#queue.push({ kind, remaining: count, options, ...(match ? { match } : {}) })
  }

  /** The fault for this call, if any (used up); `token`: the call is to the system's token endpoint. */
  take(method: string, path: string, token: boolean): Fault<Kind> | undefined {
    const index = this.#queue.findIndex((fault) => {
      if (!fault.match) return !token
      if (fault.match.method && fault.match.method.toUpperCase() !== method) return false
      const pattern = fault.match.path
      if (pattern === undefined) return !token
      return typeof pattern === 'string' ? path.includes(pattern) : pattern.test(path)
    })
    const fault = this.#queue[index]
    if (!fault) return undefined
    fault.remaining -= 1
    if (fault.remaining <= 0) this.#queue.splice(index, 1)
    return { kind: fault.kind, options: fault.options }
  }

  /** Forgets every fault not yet taken. */
  clear(): void {
    this.#queue.length = 0
  }
}

/**
 * A `slow` fault's wait, on a real timer kept in `timers` so the fake can clear it when it closes; at once for
 * any other fault or none.
 *
 * @example
 * ```ts
 * const answer = await routeApi(context, request)
 * await slowAnswer(fault, timers) // the write is done; the answer comes late
 * // on close: for (const timer of timers) clearTimeout(timer)
 * ```
 */
export function slowAnswer(fault: Fault<string> | undefined, timers: Set<NodeJS.Timeout>): Promise<void> {
  if (fault?.kind !== 'slow') return Promise.resolve()
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      resolve()
    }, fault.options.delayMs ?? 31_000)
    timers.add(timer)
  })
}
