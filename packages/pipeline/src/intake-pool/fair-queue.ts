/**
 * A queue that takes turns between keys (tenants): each key has its own line, and the next item comes from the
 * next key in turn, so a tenant with a hundred documents waiting holds up another tenant's one document by one
 * document at most, not by a hundred.
 *
 * @module
 */

/**
 * The queue.
 *
 * @example
 * ```ts
 * const queue = new FairQueue<string>()
 * queue.push('a', 'a1'); queue.push('a', 'a2'); queue.push('b', 'b1')
 * queue.shift() // 'a1', then 'b1', then 'a2'
 * ```
 */
export class FairQueue<T> {
  readonly #lines = new Map<string, T[]>()
  // Keys with items waiting, in turn order (a Map keeps insertion order: the first key is the next turn).
  readonly #turns = new Map<string, true>()
  #size = 0

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
    if (!this.#turns.has(key)) this.#turns.set(key, true)
    this.#size++
  }

  /** The next item: the head of the line whose turn it is (that key then goes to the back). */
  shift(): T | undefined {
    const key = this.#turns.keys().next().value
    if (key === undefined) return undefined
    const line = this.#lines.get(key) as T[]
    const item = line.shift() as T
    this.#size--
    this.#turns.delete(key)
    if (line.length > 0) this.#turns.set(key, true)
    else this.#lines.delete(key)
    return item
  }
}
