import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testBackends } from '../testing/backends.ts'
import { openTestDatabase, type TestDatabase } from '../testing/database.ts'
import { CircuitBreaker } from './breaker.ts'

describe.each(testBackends())('the circuit breaker shared through the database (%s)', (backend) => {
  let database: TestDatabase
  let clock = 0
  const start = Date.UTC(2026, 10, 2, 12)
  const now = () => new Date(start + clock)
  const breaker = (db = database.db) =>
    new CircuitBreaker(db, { threshold: 3, cooldownMs: 1_000, maxCooldownMs: 4_000 }, now)
  let n = 0
  const scope = () => `https://ksef.example/v2#${++n}`

  beforeAll(async () => {
    database = await openTestDatabase(backend)
  }, 60_000)
  afterAll(() => database?.destroy())

  it('stays closed below the threshold, and a success forgets the failures', async () => {
    const s = scope()
    const b = breaker()
    expect(await b.check(s)).toEqual({ allowed: true })
    expect(await b.failure(s)).toBe('closed')
    expect(await b.failure(s)).toBe('closed')
    await b.success(s)
    expect(await b.failure(s)).toBe('closed')
    expect(await b.failure(s)).toBe('closed')
    expect(await b.check(s)).toEqual({ allowed: true })
    expect(await b.state(s)).toMatchObject({ state: 'closed', failures: 2 })
  })

  it('opens after threshold consecutive failures and holds calls until the cool-down ends', async () => {
    const s = scope()
    const b = breaker()
    clock = 0
    await b.failure(s)
    await b.failure(s)
    expect(await b.failure(s)).toBe('open')
    expect(await b.check(s)).toEqual({ allowed: false, retryAt: new Date(start + 1_000) })
    clock = 999
    expect((await b.check(s)).allowed).toBe(false)
  })

  it('lets exactly one probe through after the cool-down, even with many workers asking at once', async () => {
    const s = scope()
    const workers = [breaker(), breaker(), breaker()]
    clock = 0
    for (let i = 0; i < 3; i++) await workers[0]?.failure(s)
    clock = 1_000
    const verdicts = await Promise.all(workers.flatMap((b) => [b.check(s), b.check(s)]))
    expect(verdicts.filter((verdict) => verdict.allowed)).toHaveLength(1)
    expect((await workers[1]?.state(s))?.state).toBe('half-open')
  })

  it('a failed probe reopens with a doubled cool-down, capped; a good probe closes it', async () => {
    const s = scope()
    const b = breaker()
    clock = 0
    for (let i = 0; i < 3; i++) await b.failure(s)
    const cooldowns: number[] = []
    for (let round = 0; round < 4; round++) {
      const { retryAt } = (await b.state(s)) as { retryAt: Date }
      clock = retryAt.getTime() - start
      expect((await b.check(s)).allowed).toBe(true)
      expect(await b.failure(s)).toBe('open')
      const next = (await b.state(s)).retryAt as Date
      cooldowns.push(next.getTime() - (start + clock))
    }
    expect(cooldowns).toEqual([2_000, 4_000, 4_000, 4_000])
    clock = ((await b.state(s)).retryAt as Date).getTime() - start
    expect((await b.check(s)).allowed).toBe(true)
    await b.success(s)
    expect(await b.state(s)).toEqual({ state: 'closed', retryAt: null, failures: 0 })
    expect(await b.check(s)).toEqual({ allowed: true })
    // Closed again: it takes the full threshold to open it, with the first cool-down.
    await b.failure(s)
    await b.failure(s)
    expect(await b.failure(s)).toBe('open')
    expect(((await b.state(s)).retryAt as Date).getTime() - (start + clock)).toBe(1_000)
  })

  it('a probe that never reports back (its worker died) is replaced after its deadline', async () => {
    const s = scope()
    const b = breaker()
    clock = 0
    for (let i = 0; i < 3; i++) await b.failure(s)
    clock = 1_000
    expect((await b.check(s)).allowed).toBe(true)
    clock = 1_500
    expect((await b.check(s)).allowed).toBe(false)
    clock = 2_000
    expect((await b.check(s)).allowed).toBe(true)
  })

  it('keeps scopes apart', async () => {
    const down = scope()
    const up = scope()
    const b = breaker()
    clock = 0
    for (let i = 0; i < 3; i++) await b.failure(down)
    expect((await b.check(down)).allowed).toBe(false)
    expect(await b.check(up)).toEqual({ allowed: true })
  })
})
