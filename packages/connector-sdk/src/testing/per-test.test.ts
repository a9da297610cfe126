import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { startedPerTest } from './per-test.ts'

const closed: string[] = []
const start = startedPerTest(afterEach, async (name: string) => ({ name, close: async () => void closed.push(name) }))

describe('startedPerTest', () => {
  it('starts what the test asks for', async () => {
    expect((await start('a')).name).toBe('a')
    await start('b')
    expect(closed).toEqual([])
  })

  it('closed what the test before started, once', async () => {
    expect(closed).toEqual(['a', 'b'])
    await start('c')
  })

  afterAll(() => {
    expect(closed).toEqual(['a', 'b', 'c'])
  })
})
