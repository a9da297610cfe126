import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testBackends } from '../testing/backends.ts'
import { openTestDatabase, type TestDatabase } from '../testing/database.ts'
import { DatabaseRateLimitStore, windowWait } from './rate-limit-store.ts'

describe('windowWait', () => {
  const second = { sizeMs: 1_000, limit: 3 }
  const minute = { sizeMs: 60_000, limit: 5 }

  it('is zero while every window has room', () => {
    expect(windowWait([], [second, minute], 0)).toBe(0)
    expect(windowWait([0, 100], [second, minute], 500)).toBe(0)
  })

  it('waits until the oldest blocking request leaves the window', () => {
    expect(windowWait([0, 100, 200], [second], 500)).toBe(501)
    // Stamps that already left the window do not count.
    expect(windowWait([0, 100, 200], [second], 1_050)).toBe(0)
  })

  it('takes the longest wait of the windows that refuse', () => {
    const stamps = [0, 10_000, 20_000, 30_000, 59_500]
    expect(windowWait(stamps, [second, minute], 59_600)).toBe(401)
    expect(windowWait([...stamps.slice(0, 4), 40_000], [second, minute], 59_600)).toBe(401)
  })
})

// The tests pass their own `nowMs`: the time spent waiting for the row must not move it.
const frozen = { monotonicMs: () => 0 }

describe.each(testBackends())('the rate-limit store in the database (%s)', (backend) => {
  let database: TestDatabase
  let n = 0
  const key = () => `https://ksef.example/v2|Nip:5265877635|invoiceSend#${++n}`
  const windows = [
    { sizeMs: 1_000, limit: 3 },
    { sizeMs: 60_000, limit: 5 },
  ]

  beforeAll(async () => {
    database = await openTestDatabase(backend)
  }, 60_000)
  afterAll(() => database?.destroy())

  it('grants up to the limit, then says how long to wait; old requests age out', async () => {
    const store = new DatabaseRateLimitStore(database.db, frozen)
    const k = key()
    const t = 1_000_000
    expect(await store.tryAcquire(k, windows, t)).toBe(0)
    expect(await store.tryAcquire(k, windows, t + 10)).toBe(0)
    expect(await store.tryAcquire(k, windows, t + 20)).toBe(0)
    expect(await store.tryAcquire(k, windows, t + 30)).toBe(971)
    expect(await store.tryAcquire(k, windows, t + 1_001)).toBe(0)
    expect(await store.tryAcquire(k, windows, t + 1_011)).toBe(0)
    // The minute window is full now (5), until the first request leaves it.
    expect(await store.tryAcquire(k, windows, t + 2_000)).toBe(58_001)
    expect(await store.tryAcquire(k, windows, t + 60_001)).toBe(0)
  })

  it('is one budget for every worker: concurrent acquisitions never exceed the limit', async () => {
    const stores = [new DatabaseRateLimitStore(database.db, frozen), new DatabaseRateLimitStore(database.db, frozen)]
    const k = key()
    const t = 2_000_000
    const waits = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (stores[i % 2] as DatabaseRateLimitStore).tryAcquire(k, windows, t)),
    )
    expect(waits.filter((wait) => wait === 0)).toHaveLength(3)
    expect(waits.filter((wait) => wait > 0).every((wait) => wait === 1_001)).toBe(true)
  })

  it('stamps a request when it got the budget, not when it asked (time spent waiting for the row counts)', async () => {
    // A clock that moves 400 ms while each call waits for its connection and row lock.
    let monotonic = 0
    const slow = new DatabaseRateLimitStore(database.db, { monotonicMs: () => (monotonic += 200) })
    const k = key()
    const t = 3_000_000
    for (let i = 0; i < 3; i++) expect(await slow.tryAcquire(k, windows, t)).toBe(0)
    // Asked at t, each was granted 200 ms later: stamped t+200. A fourth asked at t+1_050 waits until they leave
    // the one-second window at t+1_200 (stamped at t, as before, they would have left it at t+1_000).
    const fresh = new DatabaseRateLimitStore(database.db, frozen)
    expect(await fresh.tryAcquire(k, windows, t + 1_050)).toBe(151)
  })

  it('a block (after a 429) holds every request until it ends, and is only ever extended', async () => {
    const store = new DatabaseRateLimitStore(database.db, frozen)
    const k = key()
    const t = 3_000_000
    await store.blockUntil(k, t + 5_000)
    await store.blockUntil(k, t + 2_000)
    expect(await store.tryAcquire(k, windows, t)).toBe(5_000)
    expect(await store.tryAcquire(k, windows, t + 5_000)).toBe(0)
  })
})
