/**
 * Random valid invoice models for property-based tests, generated from the same plan that builds and parses XML:
 * every element, choice and repetition of FA(3) is reachable, not just the ones a hand-written fixture thinks of.
 *
 * @module
 */
import fc from 'fast-check'
import type { Domain, MemberPlan, ObjectPlan } from '../mapping/plan.ts'
import { type Invoice, invoicePlan, invoiceSchema } from '../model/invoice.ts'
import { findForbiddenCharacter } from '../xml/characters.ts'

type Draft = Record<string, unknown>

// Characters that exercise escaping (&, <, >, quotes), Polish letters, and a code point beyond the BMP.
const CHARACTERS = [...'abcdefghijklmnopqrstuvwxyzABCXYZ0123456789.,-/&<>"\'ąćęłńóśźżĄĆĘŁŃÓŚŹŻ€§', '😀']

function tokenArbitrary(min: number, max: number): fc.Arbitrary<string> {
  const cap = Math.min(max, min + 24)
  return fc
    .array(
      fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...CHARACTERS) }, { weight: 1, arbitrary: fc.constant(' ') }),
      {
        minLength: min,
        maxLength: cap,
      },
    )
    .map((chars) => {
      let text = chars.join('').replace(/ +/g, ' ').trim()
      while ([...text].length < min) text += 'x'
      return text
    })
}

function textArbitrary(min: number, max: number, multiline: boolean): fc.Arbitrary<string> {
  const extra = multiline ? ['\n', '\t', ' '] : [' ']
  return fc
    .array(fc.constantFrom(...CHARACTERS, ...extra), { minLength: min, maxLength: Math.min(max, min + 30) })
    .map((chars) => chars.join(''))
}

function decimalArbitrary(domain: Extract<Domain, { kind: 'decimal' }>): fc.Arbitrary<string> {
  if (domain.min === '0' && domain.max === '100') {
    return fc
      .tuple(fc.integer({ min: 0, max: 99 }), fc.option(fc.integer({ min: 0, max: 999_999 }), { nil: undefined }))
      .map(([whole, fraction]) =>
        fraction === undefined ? String(whole) : `${whole}.${String(fraction).padStart(6, '0')}`,
      )
  }
  const digits = Math.min(domain.integer, 9)
  return fc
    .tuple(
      fc.boolean(),
      fc.integer({ min: 0, max: 10 ** digits - 1 }),
      fc.option(fc.integer({ min: 1, max: domain.fraction }), { nil: undefined }),
      fc.integer({ min: 0, max: 10 ** domain.fraction - 1 }),
    )
    .map(([negative, whole, places, fraction]) => {
      const decimals =
        places === undefined ? '' : `.${String(fraction).padStart(domain.fraction, '0').slice(0, places)}`
      return `${negative ? '-' : ''}${whole}${decimals}`
    })
}

const isoDay = (date: Date): string => date.toISOString().slice(0, 10)

/**
 * Random valid values of a leaf domain.
 *
 * @example
 * ```ts
 * fc.sample(leafArbitrary({ kind: 'date', min: '2006-01-01', max: '2050-01-01' }), 3)
 * ```
 */
export function leafArbitrary(domain: Domain): fc.Arbitrary<unknown> {
  switch (domain.kind) {
    case 'token':
      return tokenArbitrary(domain.min, domain.max)
    case 'text':
      return textArbitrary(domain.min, domain.max, domain.multiline)
    case 'pattern':
      return fc.stringMatching(domain.regex).filter((value) => !findForbiddenCharacter(value))
    case 'decimal':
      return decimalArbitrary(domain)
    case 'date':
      return fc
        .date({
          min: new Date(`${domain.min}T00:00:00Z`),
          max: new Date(`${domain.max}T00:00:00Z`),
          noInvalidDate: true,
        })
        .map(isoDay)
    case 'dateTime':
      return fc
        .tuple(
          fc.date({ min: new Date(domain.min), max: new Date(domain.max), noInvalidDate: true }),
          fc.constantFrom('Z', '+01:00', '+02:00'),
        )
        .map(([instant, zone]) => {
          const offsetMinutes = zone === 'Z' ? 0 : Number(zone.slice(1, 3)) * 60
          const local = new Date(instant.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19)
          return `${local}${zone}`
        })
        .filter((value) => {
          const instant = Date.parse(value)
          return instant >= Date.parse(domain.min) && instant <= Date.parse(domain.max)
        })
    case 'integer':
      return fc.integer({ min: Math.max(domain.min, -1_000_000), max: Math.min(domain.max, 1_000_000) })
    case 'enum':
      return fc.constantFrom(...domain.values)
    case 'boolean':
      return fc.boolean()
  }
}

function valueArbitrary(member: MemberPlan, depth: number): fc.Arbitrary<unknown> | undefined {
  switch (member.kind) {
    case 'leaf':
      return leafArbitrary(member.domain)
    case 'node':
      return objectArbitrary(member.plan, depth + 1)
    case 'group':
      return objectArbitrary(member.plan, depth + 1)
    case 'choice':
      return fc.oneof(
        ...member.variants.map((variant) =>
          member.tagOnly
            ? fc.constant(variant.tag)
            : objectArbitrary(variant.plan, depth + 1).map((fields) => ({ kind: variant.tag, ...fields })),
        ),
      )
    case 'fixed':
      return undefined
  }
}

function memberArbitrary(member: MemberPlan, depth: number, forced: boolean): fc.Arbitrary<unknown> | undefined {
  const value = valueArbitrary(member, depth)
  if (!value) return undefined
  // Deep optional structures are rarer, so a generated invoice stays a reasonable size.
  const list = member.list
    ? fc.array(value, {
        minLength: Math.max(1, member.list.min),
        maxLength: Math.min(member.list.max, depth > 2 ? 1 : 2),
      })
    : value
  if (forced || (!member.optional && !(member.kind === 'leaf' && member.presence))) return list
  return fc.option(list, { nil: undefined, freq: depth > 1 ? 2 : 1 })
}

function objectArbitrary(plan: ObjectPlan, depth: number): fc.Arbitrary<Draft> {
  const exclusive = [...plan.atMostOne, ...plan.exactlyOne]
  const grouped = new Set(exclusive.flat())
  const parts: Record<string, fc.Arbitrary<unknown>> = {}
  const collect = (object: ObjectPlan) => {
    for (const member of object.members) {
      if (member.kind === 'node' && member.flatten) {
        collect(member.plan)
        continue
      }
      const arbitrary = memberArbitrary(member, depth, grouped.has(member.key))
      if (arbitrary) parts[member.key] = arbitrary
    }
    for (const attr of object.attrs) parts[attr.key] = leafArbitrary(attr.domain)
  }
  collect(plan)
  const picks = exclusive.map((keys, i) =>
    i < plan.atMostOne.length ? fc.integer({ min: -1, max: keys.length - 1 }) : fc.nat({ max: keys.length - 1 }),
  )
  return fc.tuple(fc.record(parts), fc.tuple(...picks)).map(([record, chosen]) => {
    const draft: Draft = {}
    for (const [key, value] of Object.entries(record)) if (value !== undefined) draft[key] = value
    exclusive.forEach((keys, i) => {
      keys.forEach((key, k) => {
        if (k !== chosen[i]) delete draft[key]
      })
    })
    return draft
  })
}

/**
 * Random invoice models that satisfy the model schema (and so, if the model is right, the XSD).
 *
 * @example
 * ```ts
 * fc.assert(fc.property(invoiceArbitrary(), (invoice) => { buildInvoiceXml(invoice) }))
 * ```
 */
export function invoiceArbitrary(): fc.Arbitrary<Invoice> {
  return objectArbitrary(invoicePlan, 0)
    .map((draft) => invoiceSchema.safeParse(draft))
    .filter((result) => result.success)
    .map((result) => result.data as Invoice)
}

/**
 * The plan-driven generator for any object plan, for tests of parts of the model.
 *
 * @example
 * ```ts
 * fc.sample(planArbitrary(addressPlan), 3)
 * ```
 */
export function planArbitrary(plan: ObjectPlan): fc.Arbitrary<Draft> {
  return objectArbitrary(plan, 0)
}
