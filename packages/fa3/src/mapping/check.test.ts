import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import * as dates from '../model/dates.ts'
import { invoice, invoicePlan, invoiceSchema, parseInvoiceModel } from '../model/invoice.ts'
import * as values from '../model/values.ts'
import { invoiceArbitrary, leafArbitrary, planArbitrary } from '../testing/arbitrary.ts'
import { typicalInvoice } from '../testing/typical.ts'
import { ABSENT, REFUSED } from './check.ts'
import type { Domain } from './plan.ts'

// FA3_PROPERTY_RUNS raises it for a deeper search, as in the model's other property tests.
const RUNS = Number(process.env.FA3_PROPERTY_RUNS ?? 2000)

/** The fast check never vouches for what zod refuses, and what it vouches for is zod's output, key for key. */
function expectSound(input: unknown): 'vouched' | 'left to zod' {
  const checked = invoice.check(input)
  const parsed = invoiceSchema.safeParse(input)
  if (checked === REFUSED || checked === ABSENT) return 'left to zod'
  expect(parsed.success, `zod refused what the check vouched for: ${JSON.stringify(parsed.error?.issues)}`).toBe(true)
  expect(checked).toStrictEqual(parsed.data)
  // The stored model and its content hash are the JSON text: key order counts, not just equality.
  expect(JSON.stringify(checked)).toBe(JSON.stringify(parsed.data))
  return 'vouched'
}

/** A leaf value type with its zod type erased, so that all of them fit one list. */
type AnyValueType = { readonly zod: z.ZodType; readonly accepts: (value: unknown) => boolean; readonly domain: Domain }

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** Every path into a JSON value, the value itself included. */
function pathsOf(value: Json, path: (string | number)[] = []): (string | number)[][] {
  const paths = [path]
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) paths.push(...pathsOf(item, [...path, i]))
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...path, key]))
  }
  return paths
}

type Mutation = { kind: 'set'; value: unknown } | { kind: 'delete' } | { kind: 'extra key'; key: string }

function mutate(document: Json, path: (string | number)[], mutation: Mutation): unknown {
  const copy = structuredClone(document) as Json
  if (path.length === 0) return mutation.kind === 'set' ? mutation.value : copy
  let parent = copy as Record<string | number, Json>
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, Json>
  const last = path.at(-1) as string | number
  if (mutation.kind === 'set') parent[last] = mutation.value as Json
  else if (mutation.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1)
    else delete parent[last]
  } else {
    const target = parent[last]
    if (target && typeof target === 'object' && !Array.isArray(target)) target[mutation.key] = 'x'
  }
  return copy
}

const leafLike = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.stringMatching(/^-?\d{1,18}(\.\d{1,9})?$/),
  fc.stringMatching(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/),
  fc.constantFrom('', ' ', 'a  b', ' a', 'a\tb', 'a\r\nb', '\u0084', '\uFFFE', '\uD800', '😀', 'VAT', 'zw', '23'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
)

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: leafLike.map((value) => ({ kind: 'set' as const, value })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'delete' as const }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('extra', 'kind', '__proto__', 'constructor').map((key) => ({
      kind: 'extra key' as const,
      key,
    })),
  },
)

describe('the fast check of the invoice model', () => {
  it('vouches for a typical invoice with zod’s output, defaults filled in and keys in the schema’s order', () => {
    const input = typicalInvoice({ lines: 5 }) as Record<string, unknown>
    // Keys in reverse order: the model comes out in the schema's order all the same.
    const reversed = Object.fromEntries(Object.entries(input).reverse())
    expect(expectSound(reversed)).toBe('vouched')
    expect(Object.keys(invoice.check(reversed) as object)).toEqual(Object.keys(invoiceSchema.parse(input)))
  })

  it(`vouches for every random valid model, as zod parses it (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(invoiceArbitrary(), (model) => {
        expect(expectSound(model)).toBe('vouched')
      }),
      { numRuns: RUNS },
    )
  })

  it(`agrees with zod on random drafts, valid or not (${RUNS} runs)`, () => {
    let vouched = 0
    let accepted = 0
    fc.assert(
      fc.property(planArbitrary(invoicePlan), (draft) => {
        if (expectSound(draft) === 'vouched') vouched++
        if (invoiceSchema.safeParse(draft).success) accepted++
      }),
      { numRuns: RUNS },
    )
    // Drafts are JSON: whatever zod accepts, the check vouches for too (or it would not make intake faster).
    expect(vouched).toBe(accepted)
  })

  it(`never vouches for a mutated model that zod refuses (${RUNS} runs)`, () => {
    let refused = 0
    fc.assert(
      fc.property(invoiceArbitrary(), fc.nat(), mutation, (model, pick, change) => {
        const document = JSON.parse(JSON.stringify(model)) as Json
        const paths = pathsOf(document)
        const input = mutate(document, paths[pick % paths.length] as (string | number)[], change)
        if (expectSound(input) === 'left to zod') refused++
      }),
      { numRuns: RUNS },
    )
    expect(refused).toBeGreaterThan(RUNS / 4)
  })

  it('leaves an explicit undefined and objects that are not plain to zod, which then decides', () => {
    const model = invoiceSchema.parse(typicalInvoice({ lines: 1 }))
    const withUndefined = { ...model, footer: undefined }
    expect(invoice.check(withUndefined)).toBe(REFUSED)
    expect(parseInvoiceModel(withUndefined).success).toBe(true)
    const classy = Object.assign(Object.create({ inherited: true }), model)
    expect(invoice.check(classy)).toBe(REFUSED)
    expect(parseInvoiceModel(classy)).toStrictEqual(invoiceSchema.safeParse(classy))
  })

  it('returns zod’s errors for invalid input', () => {
    const model = invoiceSchema.parse(typicalInvoice({ lines: 1 }))
    const broken = { ...model, details: { ...model.details, issueDate: '2026-02-30' } }
    const parsed = parseInvoiceModel(broken)
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues).toEqual(invoiceSchema.safeParse(broken).error?.issues)
  })
})

describe('the leaf value types: `accepts` and the zod schema agree on every value', () => {
  const exported = Object.entries(values as Record<string, unknown>).filter(
    (entry): entry is [string, AnyValueType] =>
      typeof entry[1] === 'object' && entry[1] !== null && 'accepts' in entry[1] && 'zod' in entry[1],
  )
  const named: [string, AnyValueType][] = [
    ...exported,
    ['token(1, 3)', values.token(1, 3)],
    ['token(2, 4)', values.token(2, 4)],
    ['text(2, 5)', values.text(2, 5)],
    ['text(1, 5, multiline)', values.text(1, 5, { multiline: true })],
    ['date', dates.date('2006-01-01', '2050-01-01')],
    ['dateTime', dates.dateTime('2025-09-01T00:00:00Z', '2050-01-01T23:59:59Z')],
    ['pattern', values.pattern(/[A-Z]{2}\d/, 'two capitals and a digit')],
    ['decimal(3, 2)', values.decimal(3, 2)],
    ['codes', values.codes({ cash: '1', card: '2' })],
  ]

  it('covers the exported value types', () => {
    expect(named.length).toBeGreaterThan(20)
  })

  for (const [name, type] of named) {
    it(name, () => {
      fc.assert(
        fc.property(fc.oneof(leafLike, leafArbitrary(type.domain)), (value) => {
          const parsed = type.zod.safeParse(value)
          expect(type.accepts(value), JSON.stringify(value)).toBe(parsed.success)
          // Leaf values are not transformed: the fast check hands the input on as the model's value.
          if (parsed.success) expect(Object.is(parsed.data, value)).toBe(true)
        }),
        { numRuns: 500 },
      )
    })
  }
})
