/**
 * Translation between model paths (`details.lines[2].netAmount`) and XML paths (`/Faktura/Fa/FaWiersz[3]/P_11`),
 * so that every error can name the field in the language of the reader.
 *
 * @module
 */
import type { MemberPlan, ObjectPlan } from './plan.ts'

type Segment = string | number

function findMember(plan: ObjectPlan, key: string): { member: MemberPlan; wrappers: string[] } | undefined {
  for (const member of plan.members) {
    if (member.kind === 'node' && member.flatten) {
      const inner = findMember(member.plan, key)
      if (inner) return { member: inner.member, wrappers: [member.xml, ...inner.wrappers] }
    } else if (member.key === key) {
      return { member, wrappers: [] }
    }
  }
  return undefined
}

function attrOf(plan: ObjectPlan, key: string): string | undefined {
  return plan.attrs.find((attr) => attr.key === key)?.name
}

/**
 * Formats a model path for messages.
 *
 * @example
 * ```ts
 * formatModelPath(['details', 'lines', 2, 'netAmount']) // 'details.lines[2].netAmount'
 * ```
 */
export function formatModelPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`
    else out += out ? `.${String(segment)}` : String(segment)
  }
  return out
}

/**
 * The XML path of a model path, or as much of it as maps to XML.
 *
 * @param root the root element name and plan, e.g. `['Faktura', invoicePlan]`
 * @example
 * ```ts
 * xmlPathOf('Faktura', invoicePlan, ['details', 'lines', 2, 'netAmount']) // '/Faktura/Fa/FaWiersz[3]/P_11'
 * ```
 */
export function xmlPathOf(rootName: string, rootPlan: ObjectPlan, path: readonly PropertyKey[]): string {
  const parts: string[] = [rootName]
  let plans: ObjectPlan[] = [rootPlan]
  let pendingList: string | undefined
  for (const raw of path) {
    const segment: Segment = typeof raw === 'number' ? raw : String(raw)
    if (typeof segment === 'number') {
      if (pendingList !== undefined) {
        parts[parts.length - 1] = `${pendingList}[${segment + 1}]`
        pendingList = undefined
      }
      continue
    }
    let found: { member: MemberPlan; wrappers: string[] } | undefined
    for (const plan of plans) {
      found = findMember(plan, segment)
      if (found) break
      const attr = attrOf(plan, segment)
      if (attr) {
        parts.push(`@${attr}`)
        return `/${parts.join('/')}`
      }
    }
    if (!found) break
    const { member, wrappers } = found
    parts.push(...wrappers)
    switch (member.kind) {
      case 'leaf':
      case 'node':
        parts.push(member.xml)
        if (member.list) pendingList = member.xml
        plans = member.kind === 'node' ? [member.plan] : []
        break
      case 'group':
        plans = [member.plan]
        break
      case 'choice':
        plans = member.variants.map((variant) => variant.plan)
        break
      case 'fixed':
        plans = []
        break
    }
  }
  return `/${parts.join('/')}`
}
