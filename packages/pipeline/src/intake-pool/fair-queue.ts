/**
 * A queue that shares worker threads between keys (tenants) by the time their documents took, not by their count:
 * the next item comes from the waiting key that has used the least thread time lately (time used halves every
 * ten seconds), so a tenant whose documents cost a parser half a second each gets a turn only after tenants whose
 * documents cost two milliseconds have had theirs. A key at its limit of running items is passed over (the pool
 * keeps a thread for the others). Within a key, items go in order.
 *
 * @module
 */

/** How fast time used is forgiven: it halves in this many ms. */
const HALF_LIFE_MS = 10_000

/**
 * The queue.
 *
 * @example
 * ```ts
 * const queue = new FairQueue<string>()
 * queue.push('a', 'a1'); queue.push('b', 'b1')
 * queue.charge('a', 500) // a's last document took 500 ms of a thread
 * queue.shift() // 'b1': b has used less
 * ```
 */
export class FairQueue<T> {
  readonly #lines = new Map<string, T[]>()
  readonly #used = new Map<string, { ms: number; at: number }>()
  readonly #clock: () => number
  #size = 0

  constructor(clock: () => number = Date.now) {
    this.#clock = clock
  }

  /** Items waiting, all keys together. */
  get size(): number {
    return this.#size
  }

  /** Items waiting for one key. */
  waiting(key: string): number {
    return this.#lines.get(key)?.length ?? 0
  }

  /** Puts an item at the end of its key's line. */
  push(key: string, item: T): void {
    const line = this.#lines.get(key)
    if (line) line.push(item)
    else this.#lines.set(key, [item])
    this.#size++
  }

  /** Counts thread time a key's item took. */
  charge(key: string, ms: number): void {
    this.#used.set(key, { ms: this.#usedBy(key) + ms, at: this.#clock() })
  }

  #usedBy(key: string): number {
    const used = this.#used.get(key)
    if (!used) return 0
    const decayed = used.ms * 0.5 ** ((this.#clock() - used.at) / HALF_LIFE_MS)
    // Forgotten once it no longer counts: the map holds recent keys only.
    if (decayed < 0.01) this.#used.delete(key)
    return decayed
  }

  /**
   * The next item: the head of the line of the waiting key that has used least, among the keys `mayRun` allows
   * (ties go to the key that has waited longest).
   */
  shift(mayRun: (key: string) => boolean = () => true): { key: string; item: T } | undefined {
    let chosen: string | undefined
    let least = Number.POSITIVE_INFINITY
    for (const key of this.#lines.keys()) {
      if (!mayRun(key)) continue
      const used = this.#usedBy(key)
      if (used < least) {
        least = used
        chosen = key
      }
    }
    if (chosen === undefined) return undefined
    const line = this.#lines.get(chosen) as T[]
    const item = line.shift() as T
    this.#size--
    // Back of the turn order: among keys that used as little, the others come first next time.
    this.#lines.delete(chosen)
    if (line.length > 0) this.#lines.set(chosen, line)
    return { key: chosen, item }
  }
}
