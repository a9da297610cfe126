/**
 * The portal's CRM records and their associations. Every record has HubSpot's numeric-string id (deterministic:
 * a counter per type, so two fresh fakes give the same ids in the same order), its property values as strings,
 * each value's history, and its creation and modification stamps (`hs_object_id`, the type's create and
 * modified-date properties, kept by the store). Associations are kept in both directions with their type ids.
 * Every write is reported to listeners (the webhook deliveries), with what changed and who changed it.
 *
 * @module
 */

import type { FakeClock } from '@ksef-hub/connector-sdk/testing'
import { STAMPS } from './catalog.ts'
import { ASSOCIATION_TYPE_IDS, type ObjectType } from './facts.ts'

/** One value a property held, and when. */
export interface HistoryEntry {
  readonly value: string
  readonly timestamp: number
  readonly sourceType: string
}

/** A CRM record. */
export interface CrmRecord {
  readonly id: string
  readonly type: ObjectType
  readonly values: Map<string, string>
  readonly history: Map<string, HistoryEntry[]>
  readonly createdAt: number
  updatedAt: number
  archived: boolean
  archivedAt?: number
}

/** Who made a change: the API (an app) or a person in the UI. */
export type ChangeSource = 'API' | 'UI'

/** A write, as listeners hear of it. */
export interface Change {
  readonly type: ObjectType
  readonly id: string
  readonly kind: 'creation' | 'propertyChange'
  /** The properties whose value changed (all set ones for a creation). */
  readonly properties: readonly string[]
  readonly at: number
  readonly source: ChangeSource
}

// Where each type's ids start: HubSpot ids are large numbers, unique per type (ours are made up).
const ID_BASES: Readonly<Record<ObjectType, number>> = {
  invoices: 391_820_334_561,
  line_items: 27_361_840_101,
  companies: 18_204_731_201,
  contacts: 51_234_001,
  notes: 76_410_225_001,
}

/**
 * The records of a portal.
 *
 * @example
 * ```ts
 * const store = new Store(clock)
 * const invoice = store.create('invoices', { hs_currency: 'PLN' }, 'UI')
 * store.associate('invoices', invoice.id, 'companies', companyId)
 * ```
 */
export class Store {
  readonly #clock: FakeClock
  readonly #records = new Map<ObjectType, Map<string, CrmRecord>>()
  readonly #counters = new Map<ObjectType, number>()
  // `${type}:${id}` -> `${toType}:${toId}` -> association type ids
  readonly #links = new Map<string, Map<string, Set<number>>>()
  readonly #listeners: ((change: Change) => void)[] = []
  #quiet = 0

  constructor(clock: FakeClock) {
    this.#clock = clock
  }

  onChange(listener: (change: Change) => void): void {
    this.#listeners.push(listener)
  }

  /** Runs `work` without telling listeners (seeding a portal is no change anyone is notified of). */
  quietly<T>(work: () => T): T {
    this.#quiet += 1
    try {
      return work()
    } finally {
      this.#quiet -= 1
    }
  }

  /** Creates a record with `values` (already checked) at `at` (default now). */
  create(type: ObjectType, values: Record<string, string>, source: ChangeSource, at?: number): CrmRecord {
    const counter = this.#counters.get(type) ?? 0
    this.#counters.set(type, counter + 1)
    const id = String(ID_BASES[type] + counter)
    const when = at ?? this.#clock.now().getTime()
    const record: CrmRecord = {
      id,
      type,
      values: new Map(),
      history: new Map(),
      createdAt: when,
      updatedAt: when,
      archived: false,
    }
    let map = this.#records.get(type)
    if (!map) {
      map = new Map()
      this.#records.set(type, map)
    }
    map.set(id, record)
    const stamp = new Date(when).toISOString()
    this.#put(record, 'hs_object_id', id, when, source)
    this.#put(record, STAMPS[type].created, stamp, when, source)
    const changed = this.#apply(record, values, when, source)
    this.#put(record, STAMPS[type].modified, stamp, when, source)
    this.#emit({ type, id, kind: 'creation', properties: changed, at: when, source })
    return record
  }

  /** Sets `values` (already checked; `''` clears) and bumps the modified stamp; returns the names that changed. */
  update(type: ObjectType, id: string, values: Record<string, string>, source: ChangeSource, at?: number): string[] {
    const record = this.get(type, id)
    if (!record) throw new Error(`the fake has no ${type} ${id}`)
    const when = Math.max(at ?? this.#clock.now().getTime(), record.updatedAt)
    const changed = this.#apply(record, values, when, source)
    record.updatedAt = when
    this.#put(record, STAMPS[type].modified, new Date(when).toISOString(), when, source)
    if (changed.length > 0) this.#emit({ type, id, kind: 'propertyChange', properties: changed, at: when, source })
    return changed
  }

  /** Archives a record (HubSpot's delete: it leaves reads and searches). */
  archive(type: ObjectType, id: string): boolean {
    const record = this.get(type, id)
    if (!record) return false
    record.archived = true
    record.archivedAt = this.#clock.now().getTime()
    return true
  }

  /** A live record (archived ones only with `archived`). */
  get(type: ObjectType, id: string, archived = false): CrmRecord | undefined {
    const record = this.#records.get(type)?.get(id)
    return record && record.archived === archived ? record : undefined
  }

  /** Live records of a type, by id. */
  all(type: ObjectType, archived = false): CrmRecord[] {
    return [...(this.#records.get(type)?.values() ?? [])]
      .filter((record) => record.archived === archived)
      .sort((a, b) => Number(a.id) - Number(b.id))
  }

  /** Associates two records both ways, with HubSpot's default type ids (or `typeIds`); true when new. */
  associate(type: ObjectType, id: string, toType: ObjectType, toId: string, typeIds?: readonly number[]): boolean {
    const forward = typeIds ?? [ASSOCIATION_TYPE_IDS[`${type}:${toType}`] ?? 0]
    const backward = typeIds ? typeIds : [ASSOCIATION_TYPE_IDS[`${toType}:${type}`] ?? 0]
    const added = this.#link(`${type}:${id}`, `${toType}:${toId}`, forward)
    this.#link(`${toType}:${toId}`, `${type}:${id}`, backward)
    return added
  }

  /** Removes every association between two records. */
  dissociate(type: ObjectType, id: string, toType: ObjectType, toId: string): void {
    this.#links.get(`${type}:${id}`)?.delete(`${toType}:${toId}`)
    this.#links.get(`${toType}:${toId}`)?.delete(`${type}:${id}`)
  }

  /** The live records of `toType` associated with a record, by id, with their type ids. */
  associations(type: ObjectType, id: string, toType: ObjectType): { id: string; typeIds: number[] }[] {
    return [...(this.#links.get(`${type}:${id}`)?.entries() ?? [])]
      .filter(([key]) => key.startsWith(`${toType}:`))
      .map(([key, typeIds]) => ({ id: key.slice(toType.length + 1), typeIds: [...typeIds] }))
      .filter((link) => this.get(toType, link.id))
      .sort((a, b) => Number(a.id) - Number(b.id))
  }

  #link(from: string, to: string, typeIds: readonly number[]): boolean {
    let map = this.#links.get(from)
    if (!map) {
      map = new Map()
      this.#links.set(from, map)
    }
    const existing = map.get(to)
    if (existing) {
      const before = existing.size
      for (const typeId of typeIds) existing.add(typeId)
      return existing.size > before
    }
    map.set(to, new Set(typeIds))
    return true
  }

  #apply(record: CrmRecord, values: Record<string, string>, when: number, source: ChangeSource): string[] {
    const changed: string[] = []
    for (const [name, value] of Object.entries(values)) {
      if ((record.values.get(name) ?? '') === value) continue
      this.#put(record, name, value, when, source)
      changed.push(name)
    }
    return changed
  }

  #put(record: CrmRecord, name: string, value: string, when: number, source: ChangeSource): void {
    if (value === '') record.values.delete(name)
    else record.values.set(name, value)
    const history = record.history.get(name) ?? []
    history.unshift({ value, timestamp: when, sourceType: source === 'API' ? 'INTEGRATION' : 'CRM_UI' })
    record.history.set(name, history)
  }

  #emit(change: Change): void {
    if (this.#quiet > 0) return
    for (const listener of this.#listeners) listener(change)
  }
}
