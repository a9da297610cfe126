/**
 * The mapping DSL's fields: leaf value types, and the fields of a model object with the XML they map to (an
 * element, a flag, an attribute, a fixed element, a wrapper). Objects and choices built from them are in
 * `objects.ts`; `dsl.ts` is the DSL as the model files use it.
 *
 * @module
 */
import { z } from 'zod'
import { arrayCheck, type Check, defaultCheck, leafCheck, optionalCheck } from './check.ts'
import type { AttrPlan, Codec, Domain, Lead, MemberPlan, Occurs } from './plan.ts'

/**
 * A leaf value type: the zod schema of the model value, the same test as a plain predicate (for the fast check,
 * see `check.ts`; zod accepts exactly the values `accepts` does, and leaves them unchanged), and how the value is
 * written as XML text.
 */
export interface ValueType<Z extends z.ZodType> {
  readonly zod: Z
  readonly accepts: (value: unknown) => boolean
  readonly codec: Codec<z.output<Z>>
  readonly domain: Domain
}

/**
 * Declares a leaf value type.
 *
 * @example
 * ```ts
 * const code = valueType(z.string(), (v) => typeof v === 'string', { toXml: (v) => v, fromXml: (s) => s }, {
 *   kind: 'token',
 *   min: 1,
 *   max: 20,
 * })
 * ```
 */
export function valueType<Z extends z.ZodType>(
  zod: Z,
  accepts: (value: unknown) => boolean,
  codec: Codec<z.output<Z>>,
  domain: Domain,
): ValueType<Z> {
  return { zod, accepts, codec, domain }
}

type PlanFactory = (key: string) => MemberPlan

interface AttrDeclaration {
  readonly kind: 'attr'
  readonly plan: (key: string) => AttrPlan
}

/**
 * One model field and the XML it maps to. Fields are immutable: every method returns a new field.
 *
 * @example
 * ```ts
 * const line2 = el('AdresL2', text512).optional()
 * ```
 */
export class Field<Z extends z.ZodType> {
  readonly zod: Z
  /** The fast check of the same value (see `check.ts`). */
  readonly check: Check
  readonly #make: PlanFactory | AttrDeclaration

  constructor(zod: Z, check: Check, make: PlanFactory | AttrDeclaration) {
    this.zod = zod
    this.check = check
    this.#make = make
  }

  /** The member plan of this field under a model key. */
  member(key: string): MemberPlan | AttrPlan {
    return typeof this.#make === 'function' ? this.#make(key) : this.#make.plan(key)
  }

  /** `true` for an attribute rather than an element. */
  get isAttribute(): boolean {
    return typeof this.#make !== 'function'
  }

  #map(change: (plan: MemberPlan) => MemberPlan): PlanFactory {
    const make = this.#make
    if (typeof make !== 'function') throw new Error('attributes take no element modifiers')
    return (key) => change(make(key))
  }

  /** The value may be missing; when it is, the `absent` elements are written instead (a choice's "none" branch). */
  optional(absent: readonly Lead[] = []): Field<z.ZodOptional<Z>> {
    return new Field(
      this.zod.optional(),
      optionalCheck(this.check),
      this.#map((plan) => ({ ...plan, optional: true, absent })),
    )
  }

  /** The input may omit the value; the model then holds `value`. */
  default(value: z.util.NoUndefined<z.core.output<Z>>): Field<z.ZodDefault<Z>> {
    return new Field(
      this.zod.default(value),
      defaultCheck(this.check, value),
      this.#map((plan) => plan),
    )
  }

  /** Repeated between `min` (at least 1) and `max` times: the model holds a non-empty array. */
  list(min: number, max: number): Field<z.ZodArray<Z>> {
    return new Field(
      z.array(this.zod).min(min).max(max),
      arrayCheck(this.check, min, max),
      this.#map((plan) => ({ ...plan, list: { min, max } satisfies Occurs })),
    )
  }

  /** Repeated up to `max` times and possibly absent: the model holds an optional non-empty array. */
  many(max: number): Field<z.ZodOptional<z.ZodArray<Z>>> {
    return new Field(
      z.array(this.zod).min(1).max(max).optional(),
      optionalCheck(arrayCheck(this.check, 1, max)),
      this.#map((plan) => ({ ...plan, optional: true, list: { min: 0, max } satisfies Occurs })),
    )
  }

  /** Marker elements written before the value, such as `<NrKSeF>1</NrKSeF>` before `NrKSeFFaKorygowanej`. */
  lead(...lead: Lead[]): Field<Z> {
    return new Field(
      this.zod,
      this.check,
      this.#map((plan) => ({ ...plan, lead })),
    )
  }
}

/**
 * What every member plan starts from: no marker elements, required.
 *
 * @example
 * ```ts
 * const plan: MemberPlan = { ...base, kind: 'group', key: 'totals', plan: totals.plan }
 * ```
 */
export const base = { lead: [] as readonly Lead[], absent: [] as readonly Lead[], optional: false }

/**
 * A simple element whose text is the model value.
 *
 * @example
 * ```ts
 * const issueDate = el('P_1', invoiceDate)
 * ```
 */
export function el<Z extends z.ZodType>(xml: string, type: ValueType<Z>): Field<Z> {
  return new Field(type.zod, leafCheck(type.accepts), (key) => ({
    ...base,
    kind: 'leaf',
    key,
    xml,
    codec: type.codec as Codec,
    domain: type.domain,
    presence: false,
  }))
}

/**
 * A `TWybor1` flag: `true` is written as `<xml>1</xml>`, `false` (the default) as no element at all.
 *
 * @example
 * ```ts
 * const beforeCorrection = flag('StanPrzed')
 * ```
 */
export function flag(xml: string): Field<z.ZodDefault<z.ZodBoolean>> {
  const codec: Codec<boolean> = { toXml: () => '1', fromXml: () => true }
  const check = defaultCheck(
    leafCheck((value) => typeof value === 'boolean'),
    false,
  )
  return new Field(z.boolean().default(false), check, (key) => ({
    ...base,
    kind: 'leaf',
    key,
    xml,
    codec: codec as Codec,
    domain: { kind: 'boolean' },
    presence: true,
  }))
}

/**
 * An attribute of the element that holds the object.
 *
 * @example
 * ```ts
 * const type = attr('Typ', columnType)
 * ```
 */
export function attr<Z extends z.ZodType>(name: string, type: ValueType<Z>): Field<Z> {
  return new Field(type.zod, leafCheck(type.accepts), {
    kind: 'attr',
    plan: (key) => ({ key, name, codec: type.codec as Codec, domain: type.domain }),
  })
}

/** An element with a fixed value that the model does not carry, e.g. `<WariantFormularza>3</WariantFormularza>`. */
export class Fixed {
  readonly xml: string
  readonly value: string
  readonly attrs: Readonly<Record<string, string>>
  constructor(xml: string, value: string, attrs: Readonly<Record<string, string>> = {}) {
    this.xml = xml
    this.value = value
    this.attrs = attrs
  }
}

/**
 * Declares a fixed element.
 *
 * @example
 * ```ts
 * const variant = fixed('WariantFormularza', '3')
 * ```
 */
export function fixed(xml: string, value: string, attrs: Readonly<Record<string, string>> = {}): Fixed {
  return new Fixed(xml, value, attrs)
}

/** A wrapper element whose fields the model keeps in the parent object (see {@link wrap}). */
export class Wrapped<S extends Shape> {
  readonly xml: string
  readonly shape: S
  constructor(xml: string, shape: S) {
    this.xml = xml
    this.shape = shape
  }
}

/**
 * Fields that sit inside a wrapper element in the XML but directly in the parent object in the model.
 * Put it in a shape under a key that starts with `$`; the key itself is not part of the model.
 *
 * @example
 * ```ts
 * obj({ $id: wrap('DaneIdentyfikacyjne', { nip: el('NIP', nip), name: el('Nazwa', text512) }) })
 * ```
 */
export function wrap<S extends Shape>(xml: string, shape: S): Wrapped<S> {
  return new Wrapped(xml, shape)
}

/** The declaration of a model object: its fields in XSD order. */
// biome-ignore lint/suspicious/noExplicitAny: a shape holds fields of every zod type
export type Shape = { readonly [key: string]: Field<any> | Fixed | Wrapped<any> }
