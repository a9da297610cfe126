/**
 * The XML plan: a plain-data description of how each model object is laid out as FA(3) XML.
 *
 * The plan is produced by the mapping DSL (`dsl.ts`) from the same declarations that produce the zod
 * schemas, so the model and its XML form cannot drift apart. The builder and the parser are generic walkers
 * over it; members are listed in the order of the XSD's `xsd:sequence`.
 *
 * @module
 */

/** How one leaf value travels between the model and its XML text. */
export interface Codec<T = unknown> {
  readonly toXml: (value: T) => string
  readonly fromXml: (text: string) => T
}

/**
 * The value space of a leaf, described as data: what documentation, JSON Schema and test-data generators need to
 * know about a type without running its zod checks.
 */
export type Domain =
  | { readonly kind: 'token'; readonly min: number; readonly max: number }
  | { readonly kind: 'text'; readonly min: number; readonly max: number; readonly multiline: boolean }
  | { readonly kind: 'pattern'; readonly regex: RegExp }
  | {
      readonly kind: 'decimal'
      readonly integer: number
      readonly fraction: number
      readonly min?: string
      readonly max?: string
    }
  | { readonly kind: 'date'; readonly min: string; readonly max: string }
  | { readonly kind: 'dateTime'; readonly min: string; readonly max: string }
  | { readonly kind: 'integer'; readonly min: number; readonly max: number }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'boolean' }

/** An element with a fixed value that marks a branch of an `xsd:choice`, e.g. `<NrKSeF>1</NrKSeF>`. */
export type Lead = readonly [xml: string, value: string]

/** How many times an element may occur. */
export interface Occurs {
  readonly min: number
  readonly max: number
}

interface MemberBase {
  /** The model key; empty for fixed members, which are not part of the model. */
  readonly key: string
  /** Elements written before the value (a choice branch marker). */
  readonly lead: readonly Lead[]
  /** Elements written instead of the value when the value is absent (the "none" branch of a choice). */
  readonly absent: readonly Lead[]
  /** `true` when the model value may be missing. */
  readonly optional: boolean
  /** Set for repeated elements: the model value is an array. */
  readonly list?: Occurs
}

/** A simple element: its text is the model value. */
export interface LeafPlan extends MemberBase {
  readonly kind: 'leaf'
  readonly xml: string
  readonly codec: Codec
  readonly domain: Domain
  /** A `TWybor1` flag: `true` is written as `<X>1</X>`, `false` as nothing. */
  readonly presence: boolean
}

/**
 * A complex element: its children are the members of a nested model object, or, when `flatten` is set, of the
 * parent's own model object (a wrapper such as `DaneIdentyfikacyjne` that the model does not mirror).
 */
export interface NodePlan extends MemberBase {
  readonly kind: 'node'
  readonly xml: string
  readonly plan: ObjectPlan
  readonly flatten: boolean
}

/** A nested model object whose members are written directly into the parent element. */
export interface GroupPlan extends MemberBase {
  readonly kind: 'group'
  readonly plan: ObjectPlan
}

/** One branch of a choice. */
export interface VariantPlan {
  readonly tag: string
  readonly lead: readonly Lead[]
  readonly plan: ObjectPlan
}

/** An `xsd:choice` between branches; the model value is `{ kind: tag, ...fields }` or, for a tag-only choice, the tag. */
export interface ChoicePlan extends MemberBase {
  readonly kind: 'choice'
  readonly variants: readonly VariantPlan[]
  /** `true` when no branch has fields, so the model value is the tag string itself. */
  readonly tagOnly: boolean
}

/** An element with a fixed value (and attributes) that the model does not carry, e.g. `WariantFormularza`. */
export interface FixedPlan extends MemberBase {
  readonly kind: 'fixed'
  readonly xml: string
  readonly value: string
  readonly attrs: Readonly<Record<string, string>>
}

export type MemberPlan = LeafPlan | NodePlan | GroupPlan | ChoicePlan | FixedPlan

/** An attribute carried by the model. */
export interface AttrPlan {
  readonly key: string
  readonly name: string
  readonly codec: Codec
  readonly domain: Domain
}

/** The layout of one model object. */
export interface ObjectPlan {
  readonly members: readonly MemberPlan[]
  readonly attrs: readonly AttrPlan[]
  /** Keys of which at most one may be given (an optional choice between plain fields). */
  readonly atMostOne: readonly (readonly string[])[]
  /** Keys of which exactly one must be given (a mandatory choice between plain fields). */
  readonly exactlyOne: readonly (readonly string[])[]
}

/**
 * Every element name a member can put directly into its parent, with the names it always puts there.
 *
 * Used by the parser to tell the branches of a choice apart.
 *
 * @example
 * ```ts
 * const { all, required } = memberNames(member)
 * ```
 */
export function memberNames(member: MemberPlan): { all: string[]; required: string[] } {
  const leadNames = member.lead.map(([xml]) => xml)
  const absentNames = member.absent.map(([xml]) => xml)
  switch (member.kind) {
    case 'leaf':
    case 'node':
    case 'fixed': {
      const all = [...leadNames, member.xml, ...absentNames]
      const mandatory = !member.optional && (member.list?.min ?? 1) > 0
      return { all, required: mandatory ? [...leadNames, member.xml] : [] }
    }
    case 'group': {
      const inner = objectNames(member.plan)
      return { all: [...leadNames, ...inner.all, ...absentNames], required: member.optional ? [] : inner.required }
    }
    case 'choice': {
      const all = [...leadNames, ...absentNames]
      for (const variant of member.variants) {
        all.push(...variant.lead.map(([xml]) => xml), ...objectNames(variant.plan).all)
      }
      return { all, required: [] }
    }
  }
}

/**
 * The element names an object plan puts directly into its element.
 *
 * @example
 * ```ts
 * objectNames(addressPlan).all // ['KodKraju', 'AdresL1', 'AdresL2', 'GLN']
 * ```
 */
export function objectNames(plan: ObjectPlan): { all: string[]; required: string[] } {
  const all: string[] = []
  const required: string[] = []
  for (const member of plan.members) {
    const names = memberNames(member)
    all.push(...names.all)
    required.push(...names.required)
  }
  return { all, required }
}

/**
 * The names a variant of a choice writes, and the ones it always writes.
 *
 * @example
 * ```ts
 * variantNames(choice.variants[0]).required // ['NIP']
 * ```
 */
export function variantNames(variant: VariantPlan): { all: string[]; required: string[] } {
  const lead = variant.lead.map(([xml]) => xml)
  const inner = objectNames(variant.plan)
  return { all: [...lead, ...inner.all], required: [...lead, ...inner.required] }
}
