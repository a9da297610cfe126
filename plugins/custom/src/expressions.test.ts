import { describe, expect, it } from 'vitest'
import { asList, EXPRESSION_LIMITS, evaluate, expressionProblem } from './expressions.ts'

async function problemOf(source: string, input: unknown = {}) {
  const started = performance.now()
  const result = await evaluate(source, input)
  return { problem: result.ok ? undefined : result.problem, ms: performance.now() - started }
}

describe('JSONata within bounds', () => {
  it('stops runaway recursion at the stack depth, at once', async () => {
    const { problem, ms } = await problemOf('($f := function($x) { $f($x) + 1 }; $f(1))')
    expect(problem).toMatch(/Stack overflow.*\(D1011\)/)
    expect(ms).toBeLessThan(EXPRESSION_LIMITS.timeoutMs)
  })

  it('stops an endless tail-recursive loop by its time limit', async () => {
    const { problem, ms } = await problemOf('($loop := function($n) { $n > 0 ? $loop($n) : 0 }; $loop(1))')
    expect(problem).toMatch(/Evaluation timeout after 1000 milliseconds.*\(D1012\)/)
    expect(ms).toBeGreaterThanOrEqual(EXPRESSION_LIMITS.timeoutMs)
    expect(ms).toBeLessThan(EXPRESSION_LIMITS.timeoutMs * 3)
  })

  it('stops recursion smuggled in through $eval', async () => {
    const { problem } = await problemOf('$eval("($g := function() { $g() + 1 }; $g())")')
    expect(problem).toMatch(/Stack overflow/)
  })

  it('refuses sequences larger than a document can need', async () => {
    expect((await problemOf('$count([1..200000])')).problem).toMatch(/\(D2015\)/)
    expect((await problemOf('$count([1..50000])')).problem).toBeUndefined()
  })

  it('refuses an exponential regular expression built at run time', async () => {
    const { problem } = await problemOf('$eval("$match(name, /(a+)+$/)")', { name: `${'a'.repeat(40)}!` })
    expect(problem).toMatch(/may take exponential time/)
  })

  it('refuses a result larger than a document may be', async () => {
    const { problem } = await problemOf('$pad("", 2200000, "x")')
    expect(problem).toMatch(/the result is \d+ characters/)
  })

  it('gives plain JSON, and lists whatever a match gives', async () => {
    expect(await evaluate('items.{ "id": id }', { items: [{ id: 1 }, { id: 2 }] })).toEqual({
      ok: true,
      value: [{ id: 1 }, { id: 2 }],
    })
    const single = await evaluate('items', { items: { id: 1 } })
    expect(single.ok && asList(single.value)).toEqual([{ id: 1 }])
    expect(asList(undefined)).toEqual([])
  })

  it('says why an expression cannot be compiled, and refuses one too long', () => {
    expect(expressionProblem('items[')).toMatch(/position 6 \(S0203\)/)
    expect(expressionProblem('items')).toBeUndefined()
    expect(expressionProblem(`"${'x'.repeat(EXPRESSION_LIMITS.sourceChars)}"`)).toMatch(/at most 20000/)
  })
})
