/**
 * FA(3) XML -> model. The plan says which element becomes which field; an element the plan does not know is an
 * error rather than silently dropped, so whatever parses builds back to the same document.
 *
 * @module
 */
import { Fa3Error, type Fa3Issue } from '../errors.ts'
import { type MemberPlan, type ObjectPlan, type VariantPlan, variantNames } from '../mapping/plan.ts'
import { FA3_NAMESPACE, type Invoice, invoicePlan, parseInvoiceModel } from '../model/invoice.ts'
import { modelIssues } from '../validate/model-issues.ts'
import { xsdIssues } from '../validate/xsd.ts'
import { elementData, parseXmlDocument, type XmlElementData } from './document.ts'
import { type ReadOptions, readXmlInput } from './read.ts'

type Draft = Record<string, unknown>

class StructureError extends Error {
  readonly issue: Fa3Issue
  constructor(issue: Fa3Issue) {
    super(issue.message)
    this.issue = issue
  }
}

function structureError(element: XmlElementData, path: string, message: string): StructureError {
  return new StructureError({ code: 'XML_STRUCTURE', severity: 'error', message, xmlPath: path, line: element.line })
}

/** The children of one element, taken by name as the plan asks for them. */
class Children {
  readonly #byName = new Map<string, XmlElementData[]>()
  readonly #taken = new Set<XmlElementData>()
  readonly #all: readonly XmlElementData[]

  constructor(children: readonly XmlElementData[]) {
    this.#all = children
    for (const child of children) {
      const list = this.#byName.get(child.name)
      if (list) list.push(child)
      else this.#byName.set(child.name, [child])
    }
  }

  has(name: string): boolean {
    return (this.#byName.get(name) ?? []).some((child) => !this.#taken.has(child))
  }

  take(name: string): XmlElementData | undefined {
    const next = (this.#byName.get(name) ?? []).find((child) => !this.#taken.has(child))
    if (next) this.#taken.add(next)
    return next
  }

  count(name: string): number {
    return (this.#byName.get(name) ?? []).filter((child) => !this.#taken.has(child)).length
  }

  leftover(): XmlElementData | undefined {
    return this.#all.find((child) => !this.#taken.has(child))
  }
}

function childPath(path: string, element: XmlElementData, index?: number): string {
  return `${path}/${element.name}${index !== undefined ? `[${index + 1}]` : ''}`
}

function readLeads(
  children: Children,
  leads: readonly (readonly [string, string])[],
  owner: XmlElementData,
  path: string,
) {
  for (const [name, value] of leads) {
    const lead = children.take(name)
    if (!lead) throw structureError(owner, path, `${name} is missing`)
    if (lead.text.trim() !== value) {
      throw structureError(lead, `${path}/${name}`, `${name} must be ${value}, not "${lead.text.trim()}"`)
    }
  }
}

function chooseVariant(children: Children, variants: readonly VariantPlan[]): VariantPlan | undefined {
  let best: VariantPlan | undefined
  let bestScore = -1
  for (const variant of variants) {
    const names = variantNames(variant)
    if (!names.required.every((name) => children.has(name))) continue
    const score = names.all.filter((name) => children.has(name)).length
    if (score > bestScore) {
      best = variant
      bestScore = score
    }
  }
  return bestScore > 0 ? best : undefined
}

function readObject(element: XmlElementData, plan: ObjectPlan, path: string, into: Draft = {}): Draft {
  for (const attr of plan.attrs) {
    const value = element.attrs[attr.name]
    if (value !== undefined) into[attr.key] = attr.codec.fromXml(value)
  }
  if (element.text.trim() !== '' && plan.members.length > 0) {
    throw structureError(element, path, `${element.name} must contain elements, not text`)
  }
  const children = new Children(element.children)
  readMembers(children, plan, element, path, into)
  const extra = children.leftover()
  if (extra) {
    throw structureError(
      extra,
      childPath(path, extra),
      `${extra.name} is not allowed here or is out of place in ${element.name}`,
    )
  }
  return into
}

function readMembers(children: Children, plan: ObjectPlan, owner: XmlElementData, path: string, into: Draft): void {
  for (const member of plan.members) readMember(children, member, owner, path, into)
}

function readOne(children: Children, member: MemberPlan, path: string): unknown {
  switch (member.kind) {
    case 'fixed':
    case 'choice':
    case 'group':
      throw new Error('unreachable')
    case 'leaf': {
      const element = children.take(member.xml) as XmlElementData
      if (element.children.length)
        throw structureError(element, `${path}/${member.xml}`, `${member.xml} must hold text`)
      return member.presence ? true : member.codec.fromXml(element.text)
    }
    case 'node': {
      const element = children.take(member.xml) as XmlElementData
      return readObject(element, member.plan, `${path}/${member.xml}`)
    }
  }
}

function readMember(children: Children, member: MemberPlan, owner: XmlElementData, path: string, into: Draft): void {
  switch (member.kind) {
    case 'fixed': {
      const element = children.take(member.xml)
      if (!element) throw structureError(owner, path, `${member.xml} is missing`)
      return
    }
    case 'node':
      if (member.flatten) {
        const wrapper = children.take(member.xml)
        if (!wrapper) throw structureError(owner, path, `${member.xml} is missing`)
        const wrapperPath = `${path}/${member.xml}`
        const inner = new Children(wrapper.children)
        readMembers(inner, member.plan, wrapper, wrapperPath, into)
        const extra = inner.leftover()
        if (extra) throw structureError(extra, childPath(wrapperPath, extra), `${extra.name} is not allowed here`)
        return
      }
      break
    case 'group': {
      if (member.absent.length && member.absent.every(([name]) => children.has(name))) {
        readLeads(children, member.absent, owner, path)
        return
      }
      const present =
        member.lead.some(([name]) => children.has(name)) || member.plan.members.some((inner) => hasAny(children, inner))
      if (!present && member.optional) return
      readLeads(children, member.lead, owner, path)
      into[member.key] = readGroup(children, member.plan, owner, path)
      return
    }
    case 'choice': {
      const variant = chooseVariant(children, member.variants)
      if (!variant) {
        if (member.absent.length && member.absent.every(([name]) => children.has(name))) {
          readLeads(children, member.absent, owner, path)
          return
        }
        if (member.optional) return
        throw structureError(owner, path, `${owner.name} lacks one of the elements of ${member.key}`)
      }
      readLeads(children, variant.lead, owner, path)
      if (member.tagOnly) into[member.key] = variant.tag
      else into[member.key] = { kind: variant.tag, ...readGroup(children, variant.plan, owner, path) }
      return
    }
    case 'leaf':
      break
  }
  // Leaves and nested nodes, single or repeated.
  const name = member.xml
  if (member.list) {
    if (member.lead.length) throw new Error('repeated members with markers are not supported')
    const count = children.count(name)
    if (count === 0) {
      if (!member.optional) throw structureError(owner, path, `${name} is missing`)
      return
    }
    const values: unknown[] = []
    for (let i = 0; i < count; i++) values.push(readOne(children, member, path))
    into[member.key] = values
    return
  }
  if (!children.has(name)) {
    if (member.absent.length && member.absent.every(([absent]) => children.has(absent))) {
      readLeads(children, member.absent, owner, path)
      return
    }
    if (member.optional || (member.kind === 'leaf' && member.presence)) return
    throw structureError(owner, path, `${name} is missing in ${owner.name}`)
  }
  readLeads(children, member.lead, owner, path)
  into[member.key] = readOne(children, member, path)
}

function readGroup(children: Children, plan: ObjectPlan, owner: XmlElementData, path: string): Draft {
  const draft: Draft = {}
  readMembers(children, plan, owner, path, draft)
  return draft
}

function hasAny(children: Children, member: MemberPlan): boolean {
  switch (member.kind) {
    case 'leaf':
    case 'node':
    case 'fixed':
      return children.has(member.xml) || member.lead.some(([name]) => children.has(name))
    case 'group':
      return member.plan.members.some((inner) => hasAny(children, inner))
    case 'choice':
      return member.variants.some((variant) => variantNames(variant).all.some((name) => children.has(name)))
  }
}

/**
 * Reads the root element of an FA(3) document into an invoice model.
 *
 * @throws {@link Fa3Error} `FA3_SCHEMA_INVALID` when the element structure is not FA(3), `FA3_MODEL_INVALID` when a
 *   value does not fit the model.
 * @example
 * ```ts
 * const invoice = invoiceFromElement(elementData(doc.root))
 * ```
 */
export function invoiceFromElement(root: XmlElementData): Invoice {
  if (root.name !== 'Faktura' || root.namespace !== FA3_NAMESPACE) {
    throw new Fa3Error('FA3_SCHEMA_INVALID', [
      {
        code: 'XML_STRUCTURE',
        severity: 'error',
        message: `the root element is {${root.namespace}}${root.name}; an FA(3) invoice is {${FA3_NAMESPACE}}Faktura`,
        line: root.line,
      },
    ])
  }
  const foreign = findForeignNamespace(root)
  if (foreign) {
    throw new Fa3Error('FA3_SCHEMA_INVALID', [
      {
        code: 'XML_STRUCTURE',
        severity: 'error',
        message: `element ${foreign.name} is in namespace "${foreign.namespace}", not the FA(3) namespace`,
        line: foreign.line,
      },
    ])
  }
  let draft: Draft
  try {
    draft = readObject(root, invoicePlan, '/Faktura')
  } catch (error) {
    if (error instanceof StructureError) throw new Fa3Error('FA3_SCHEMA_INVALID', [error.issue])
    throw error
  }
  const parsed = parseInvoiceModel(draft)
  if (!parsed.success) throw new Fa3Error('FA3_MODEL_INVALID', modelIssues(parsed.error))
  return parsed.data
}

function findForeignNamespace(element: XmlElementData): XmlElementData | undefined {
  if (element.namespace !== FA3_NAMESPACE) return element
  for (const child of element.children) {
    const found = findForeignNamespace(child)
    if (found) return found
  }
  return undefined
}

/** Options of {@link parseInvoiceXml}. */
export interface ParseOptions extends ReadOptions {
  /** Check the document against the FA(3) XSD first (default `true`). */
  readonly schema?: boolean
}

/**
 * Parses FA(3) XML (an incoming invoice, or one a client sent as XML) into the canonical model.
 *
 * @throws {@link Fa3Error}: `FA3_UNREADABLE` (encoding, BOM, DTD, size, not well-formed), `FA3_SCHEMA_INVALID`
 *   (XSD), `FA3_MODEL_INVALID`.
 * @example
 * ```ts
 * const invoice = parseInvoiceXml(await readFile('invoice.xml'))
 * console.log(invoice.details.number, invoice.details.totals.totalDue)
 * ```
 */
export function parseInvoiceXml(input: Uint8Array | string, options: ParseOptions = {}): Invoice {
  const doc = parseXmlDocument(readXmlInput(input, options))
  try {
    if (options.schema ?? true) {
      const issues = xsdIssues(doc)
      if (issues.length) throw new Fa3Error('FA3_SCHEMA_INVALID', issues)
    }
    return invoiceFromElement(elementData(doc.root))
  } finally {
    doc.dispose()
  }
}
