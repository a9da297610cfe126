/**
 * Model -> FA(3) XML. Elements come out in the order of the XSD's sequences because the plan lists them so;
 * the output is UTF-8 without a BOM and with no processing instructions.
 *
 * @module
 */
import { Fa3Error } from '../errors.ts'
import type { Lead, MemberPlan, ObjectPlan } from '../mapping/plan.ts'
import {
  FA3_NAMESPACE,
  type Invoice,
  type InvoiceInput,
  invoicePlan,
  invoiceSchema,
  parseInvoiceModel,
} from '../model/invoice.ts'
import { modelIssues } from '../validate/model-issues.ts'
import { XmlWriter } from './writer.ts'

/** Options of {@link buildInvoiceXml}. */
export interface BuildOptions {
  /** Indent the output for people to read. Default `false`: KSeF counts bytes against the invoice size limit. */
  readonly pretty?: boolean
}

type Record_ = Record<string, unknown>
type Write = (xml: XmlWriter, owner: Record_) => void

// The plan is compiled once into one closure per member: walking the plan object itself for every invoice was
// the slowest part of building (its members have five different shapes, which defeats property-access caches).
const compiled = new WeakMap<ObjectPlan, Write>()

function writeLeads(xml: XmlWriter, leads: readonly Lead[]): void {
  for (const [name, value] of leads) xml.leaf(name, value)
}

function compileObject(plan: ObjectPlan): Write {
  const cached = compiled.get(plan)
  if (cached) return cached
  const writers: Write[] = []
  const write: Write = (xml, owner) => {
    for (const writer of writers) writer(xml, owner)
  }
  compiled.set(plan, write)
  for (const member of plan.members) writers.push(compileMember(member))
  return write
}

function attributesOf(plan: ObjectPlan, record: Record_): Record<string, string> | undefined {
  if (plan.attrs.length === 0) return undefined
  const attrs: Record<string, string> = {}
  for (const attr of plan.attrs) {
    if (record[attr.key] !== undefined) attrs[attr.name] = attr.codec.toXml(record[attr.key])
  }
  return attrs
}

function compileItem(member: Exclude<MemberPlan, { kind: 'fixed' }>): (xml: XmlWriter, item: unknown) => void {
  switch (member.kind) {
    case 'leaf': {
      const { xml: name, codec } = member
      return (xml, item) => {
        xml.leaf(name, codec.toXml(item))
      }
    }
    case 'node': {
      const inner = compileObject(member.plan)
      const { xml: name, plan } = member
      return (xml, item) => {
        xml.open(name, attributesOf(plan, item as Record_))
        inner(xml, item as Record_)
        xml.close()
      }
    }
    case 'group': {
      const inner = compileObject(member.plan)
      return (xml, item) => inner(xml, item as Record_)
    }
    case 'choice': {
      const branches = new Map(
        member.variants.map((variant) => [variant.tag, { variant, write: compileObject(variant.plan) }]),
      )
      const { tagOnly, key } = member
      return (xml, item) => {
        const tag = tagOnly ? (item as string) : ((item as Record_).kind as string)
        const branch = branches.get(tag)
        if (!branch) throw new Error(`no branch ${tag} in choice ${key}`)
        writeLeads(xml, branch.variant.lead)
        if (!tagOnly) branch.write(xml, item as Record_)
      }
    }
  }
}

function compileMember(member: MemberPlan): Write {
  if (member.kind === 'fixed') {
    const { xml: name, value, attrs } = member
    return (xml) => {
      xml.leaf(name, value, attrs)
    }
  }
  if (member.kind === 'node' && member.flatten) {
    const inner = compileObject(member.plan)
    const name = member.xml
    return (xml, owner) => {
      xml.open(name)
      inner(xml, owner)
      xml.close()
    }
  }
  const { key, lead, absent, list } = member
  const presence = member.kind === 'leaf' && member.presence
  const item = compileItem(member)
  return (xml, owner) => {
    const value = owner[key]
    if (value === undefined || (presence && value === false)) {
      writeLeads(xml, absent)
      return
    }
    if (list) {
      for (const entry of value as unknown[]) {
        writeLeads(xml, lead)
        item(xml, entry)
      }
    } else {
      writeLeads(xml, lead)
      item(xml, value)
    }
  }
}

/**
 * Serializes an invoice model that has already been checked against {@link invoiceSchema}.
 *
 * @example
 * ```ts
 * const xml = serializeInvoice(invoiceSchema.parse(json), { pretty: true })
 * ```
 */
export function serializeInvoice(model: Invoice, options: BuildOptions = {}): string {
  const xml = new XmlWriter({ pretty: options.pretty ?? false })
  xml.open('Faktura', { xmlns: FA3_NAMESPACE })
  compileObject(invoicePlan)(xml, model as Record_)
  xml.close()
  return xml.toString()
}

/**
 * Builds the FA(3) XML of an invoice. The model is checked first; a bad model throws {@link Fa3Error} with code
 * `FA3_MODEL_INVALID` and an issue per wrong field, and nothing is built.
 *
 * @example
 * ```ts
 * const xml = buildInvoiceXml(invoice)
 * const bytes = new TextEncoder().encode(xml) // the exact bytes to hash and send
 * ```
 */
export function buildInvoiceXml(input: InvoiceInput | Invoice, options: BuildOptions = {}): string {
  const parsed = parseInvoiceModel(input)
  if (!parsed.success) throw new Fa3Error('FA3_MODEL_INVALID', modelIssues(parsed.error))
  return serializeInvoice(parsed.data, options)
}

/**
 * Builds the FA(3) XML as the UTF-8 bytes (no BOM) that KSeF receives and hashes.
 *
 * @example
 * ```ts
 * const bytes = buildInvoiceBytes(invoice)
 * ```
 */
export function buildInvoiceBytes(input: InvoiceInput | Invoice, options: BuildOptions = {}): Uint8Array {
  return new TextEncoder().encode(buildInvoiceXml(input, options))
}
