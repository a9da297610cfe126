/**
 * The mapping DSL's objects: a model object declared from its fields gives its zod schema, its fast check and its
 * XML plan together; nested objects, inline groups and `xsd:choice`s are fields of their parent.
 *
 * @module
 */
import { z } from 'zod'
import { type Check, leafCheck, objectCheck, oneOf, variantCheck } from './check.ts'
import { base, Field, Fixed, type Shape, Wrapped } from './field.ts'
import type { AttrPlan, Lead, MemberPlan, ObjectPlan, VariantPlan } from './plan.ts'

type UnionToIntersection<U> = (U extends unknown ? (arg: U) => void : never) extends (arg: infer I) => void ? I : never

type FieldShape<S extends Shape> = {
  // biome-ignore lint/suspicious/noExplicitAny: matching any field type
  [K in keyof S as S[K] extends Field<any> ? K : never]: S[K] extends { readonly zod: infer Z extends z.ZodType }
    ? Z
    : never
}

type WrappedShape<S extends Shape> = UnionToIntersection<
  { [K in keyof S]: S[K] extends Wrapped<infer W> ? FieldShape<W> : never }[keyof S]
>

/** The zod shape a declaration produces: its fields plus the fields of its wrappers. */
export type ZodShape<S extends Shape> = Flatten<
  [WrappedShape<S>] extends [never] ? FieldShape<S> : FieldShape<S> & WrappedShape<S>
>

type Flatten<T> = { [K in keyof T]: T[K] }

/** The zod object type a declaration produces. */
export type ObjectZod<S extends Shape> = z.ZodObject<
  ZodShape<S> extends infer T extends z.core.$ZodShape ? T : never,
  z.core.$strict
>

/** A declared model object: its zod schema, its fast check and its XML plan. */
export interface Node<Z extends z.ZodType> {
  readonly zod: Z
  readonly check: Check
  readonly plan: ObjectPlan
}

/** Cross-field rules of an object that zod's per-field checks cannot express. */
export interface ObjectRules {
  /** Groups of keys of which at most one may be given (an optional `xsd:choice` between plain fields). */
  readonly atMostOne?: readonly (readonly string[])[]
  /** Groups of keys of which exactly one must be given (a mandatory `xsd:choice` between plain fields). */
  readonly exactlyOne?: readonly (readonly string[])[]
}

interface Planned {
  readonly plan: ObjectPlan
  readonly zodShape: Record<string, z.ZodType>
  /** The fields' checks, keyed and ordered as `zodShape` (zod's output follows its key order). */
  readonly checks: Record<string, Check>
}

function planOf(shape: Shape, rules: ObjectRules = {}): Planned {
  const members: MemberPlan[] = []
  const attrs: AttrPlan[] = []
  const zodShape: Record<string, z.ZodType> = {}
  const checks: Record<string, Check> = {}
  for (const [key, entry] of Object.entries(shape)) {
    if (entry instanceof Fixed) {
      members.push({ ...base, kind: 'fixed', key: '', xml: entry.xml, value: entry.value, attrs: entry.attrs })
    } else if (entry instanceof Wrapped) {
      const inner = planOf(entry.shape)
      Object.assign(zodShape, inner.zodShape)
      Object.assign(checks, inner.checks)
      members.push({ ...base, kind: 'node', key: '', xml: entry.xml, plan: inner.plan, flatten: true })
    } else {
      zodShape[key] = entry.zod
      checks[key] = entry.check
      const member = entry.member(key)
      if (entry.isAttribute) attrs.push(member as AttrPlan)
      else members.push(member as MemberPlan)
    }
  }
  return {
    plan: { members, attrs, atMostOne: rules.atMostOne ?? [], exactlyOne: rules.exactlyOne ?? [] },
    zodShape,
    checks,
  }
}

function checkOf(checks: Record<string, Check>, rules: ObjectRules): Check {
  return objectCheck(Object.entries(checks), {
    atMostOne: rules.atMostOne ?? [],
    exactlyOne: rules.exactlyOne ?? [],
  })
}

function present(value: Record<string, unknown>, key: string): boolean {
  return value[key] !== undefined
}

function withRules(schema: z.ZodObject, rules: ObjectRules): z.ZodObject {
  if (!rules.atMostOne && !rules.exactlyOne) return schema
  return schema.superRefine((value, ctx) => {
    const record = value as Record<string, unknown>
    for (const keys of rules.atMostOne ?? []) {
      const given = keys.filter((key) => present(record, key))
      if (given.length > 1) {
        ctx.addIssue({
          code: 'custom',
          path: [given[1] as string],
          message: `only one of ${keys.join(', ')} may be given, not ${given.join(' and ')}`,
        })
      }
    }
    for (const keys of rules.exactlyOne ?? []) {
      const given = keys.filter((key) => present(record, key))
      if (given.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          path: given.length ? [given[1] as string] : [keys[0] as string],
          message:
            given.length === 0
              ? `one of ${keys.join(', ')} is required`
              : `only one of ${keys.join(', ')} may be given, not ${given.join(' and ')}`,
        })
      }
    }
  })
}

/**
 * Declares a model object from its fields, in the order of the XSD sequence.
 *
 * @example
 * ```ts
 * const address = obj({
 *   countryCode: el('KodKraju', countryCode),
 *   line1: el('AdresL1', text512),
 *   line2: el('AdresL2', text512).optional(),
 * })
 * type Address = z.output<typeof address.zod>
 * ```
 */
export function obj<S extends Shape>(shape: S, rules: ObjectRules = {}): Node<ObjectZod<S>> {
  const { plan, zodShape, checks } = planOf(shape, rules)
  const schema = withRules(z.strictObject(zodShape), rules)
  return { zod: schema as unknown as ObjectZod<S>, check: checkOf(checks, rules), plan }
}

/**
 * A complex element holding a nested model object.
 *
 * @example
 * ```ts
 * const address = child('Adres', addressNode)
 * ```
 */
export function child<Z extends z.ZodType>(xml: string, node: Node<Z>): Field<Z> {
  return new Field(node.zod, node.check, (key) => ({
    ...base,
    kind: 'node',
    key,
    xml,
    plan: node.plan,
    flatten: false,
  }))
}

/**
 * A nested model object whose elements are written directly into the parent element (an inline `xsd:sequence`).
 *
 * @example
 * ```ts
 * const standardRate = group(obj({ net: el('P_13_1', amount), vat: el('P_14_1', amount) })).optional()
 * ```
 */
export function group<Z extends z.ZodType>(node: Node<Z>): Field<Z> {
  return new Field(node.zod, node.check, (key) => ({ ...base, kind: 'group', key, plan: node.plan }))
}

/** One branch of a {@link choice}: its marker elements and its fields. */
export interface VariantSpec {
  readonly lead?: readonly Lead[]
  readonly fields?: Shape
  readonly rules?: ObjectRules
}

type VariantFields<V extends VariantSpec> = V['fields'] extends Shape ? V['fields'] : Record<never, never>

type VariantObject<K extends string, V extends VariantSpec> = z.ZodObject<
  { kind: z.ZodLiteral<K> } & ZodShape<VariantFields<V>>,
  z.core.$strict
>

/** The zod type of a choice: a union discriminated by `kind`. */
export type ChoiceZod<V extends Record<string, VariantSpec>> = z.ZodType<
  { [K in keyof V & string]: z.output<VariantObject<K, V[K]>> }[keyof V & string],
  { [K in keyof V & string]: z.input<VariantObject<K, V[K]>> }[keyof V & string]
>

/**
 * An `xsd:choice` between branches with fields; the model value is `{ kind: <branch>, ...fields }`.
 *
 * @example
 * ```ts
 * const id = choice({
 *   nip: { fields: { nip: el('NIP', nip) } },
 *   none: { lead: [['BrakID', '1']] },
 * })
 * ```
 */
export function choice<V extends Record<string, VariantSpec>>(variants: V): Field<ChoiceZod<V>> {
  const options: z.ZodObject[] = []
  const plans: VariantPlan[] = []
  const checks = new Map<string, Check>()
  for (const [tag, spec] of Object.entries(variants)) {
    const rules = spec.rules ?? {}
    const planned = planOf(spec.fields ?? {}, rules)
    options.push(withRules(z.strictObject({ kind: z.literal(tag), ...planned.zodShape }), rules))
    checks.set(tag, checkOf({ kind: leafCheck((value) => value === tag), ...planned.checks }, rules))
    plans.push({ tag, lead: spec.lead ?? [], plan: planned.plan })
  }
  const zod = z.discriminatedUnion('kind', options as [z.ZodObject, ...z.ZodObject[]])
  return new Field(zod as unknown as ChoiceZod<V>, variantCheck(checks), (key) => ({
    ...base,
    kind: 'choice',
    key,
    variants: plans,
    tagOnly: false,
  }))
}

/**
 * An `xsd:choice` whose branches are only marker elements; the model value is the branch name.
 *
 * @example
 * ```ts
 * const margin = tags({ usedGoods: [['P_PMarzy', '1'], ['P_PMarzy_3_1', '1']] })
 * ```
 */
export function tags<T extends Record<string, readonly Lead[]>>(
  branches: T,
): Field<z.ZodEnum<{ [K in keyof T & string]: K }>> {
  const names = Object.keys(branches) as [string, ...string[]]
  const empty: ObjectPlan = { members: [], attrs: [], atMostOne: [], exactlyOne: [] }
  const variants = Object.entries(branches).map(([tag, lead]) => ({ tag, lead, plan: empty }))
  const zod = z.enum(names) as unknown as z.ZodEnum<{ [K in keyof T & string]: K }>
  return new Field(zod, leafCheck(oneOf(names)), (key) => ({
    ...base,
    kind: 'choice',
    key,
    variants,
    tagOnly: true,
  }))
}
