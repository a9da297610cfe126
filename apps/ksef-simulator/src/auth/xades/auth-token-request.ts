/**
 * The `AuthTokenRequest` document (namespaces `http://ksef.mf.gov.pl/auth/token/2.0` and `/2.1`): read from the
 * signed XML and checked against the rules of its XSD (`spec/auth-AuthTokenRequest_v2-*.xsd`), which is small
 * enough to check element by element with messages that name the element.
 *
 * @module
 */
import type { ContextIdentifier } from '../jwt.ts'

/** The two namespaces of the AuthTokenRequest schema. */
export const AUTH_NAMESPACES = ['http://ksef.mf.gov.pl/auth/token/2.0', 'http://ksef.mf.gov.pl/auth/token/2.1']

/** The request's content. */
export interface AuthTokenRequest {
  readonly challenge: string
  readonly context: ContextIdentifier
  readonly subjectIdentifierType: 'certificateSubject' | 'certificateFingerprint'
  readonly allowedIps?: { ip4Addresses: string[]; ip4Ranges: string[]; ip4Masks: string[] }
}

/** The minimal DOM surface this module reads. */
export interface XmlElementLike {
  readonly localName: string | null
  readonly namespaceURI: string | null
  readonly textContent: string | null
  readonly childNodes: { readonly length: number; item(index: number): unknown }
}

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])'
const IP = `(${OCTET}\\.){3}${OCTET}`
const PATTERNS = {
  Challenge: /^\d{8}-CR-[A-F0-9]{10}-[A-F0-9]{10}-[A-F0-9]{2}$/,
  Nip: /^[1-9]((\d[1-9])|([1-9]\d))\d{7}$/,
  InternalId: /^[1-9]((\d[1-9])|([1-9]\d))\d{7}-\d{5}$/,
  NipVatUe: /^[1-9]((\d[1-9])|([1-9]\d))\d{7}-[A-Z]{2}[0-9A-Z+*]{2,13}$/,
  PeppolId: /^P[A-Z]{2}[0-9]{6}$/,
  Ip4Address: new RegExp(`^${IP}$`),
  Ip4Range: new RegExp(`^${IP}-${IP}$`),
  Ip4Mask: new RegExp(`^${IP}/(0|[1-9]|[12][0-9]|3[0-2])$`),
} as const

function elements(parent: XmlElementLike): XmlElementLike[] {
  const out: XmlElementLike[] = []
  for (let i = 0; i < parent.childNodes.length; i++) {
    const node = parent.childNodes.item(i) as { nodeType?: number; textContent?: string } & XmlElementLike
    if (node.nodeType === 1) out.push(node)
    else if (node.nodeType === 3 && node.textContent?.trim()) out.push(node)
  }
  return out
}

/**
 * Reads and checks an `AuthTokenRequest` element; returns the request or the schema violations.
 *
 * @example
 * ```ts
 * const result = readAuthTokenRequest(root)
 * if (!result.ok) throw ApiError.badRequest(21401, ...result.issues)
 * ```
 */
export function readAuthTokenRequest(
  root: XmlElementLike,
): { ok: true; request: AuthTokenRequest } | { ok: false; issues: string[] } {
  const issues: string[] = []
  const ns = root.namespaceURI ?? ''
  if (root.localName !== 'AuthTokenRequest' || !AUTH_NAMESPACES.includes(ns)) {
    return { ok: false, issues: [`Element główny musi być AuthTokenRequest w przestrzeni nazw ${AUTH_NAMESPACES[1]}.`] }
  }
  const children = elements(root).filter((child) => child.localName !== 'Signature')
  const text = (el: XmlElementLike | undefined) => (el?.textContent ?? '').trim()
  const expect = (index: number, name: string): XmlElementLike | undefined => {
    const child = children[index]
    if (!child || child.localName !== name || child.namespaceURI !== ns) {
      issues.push(`Oczekiwano elementu ${name} na pozycji ${index + 1} w AuthTokenRequest.`)
      return undefined
    }
    return child
  }
  const challengeEl = expect(0, 'Challenge')
  const challenge = text(challengeEl)
  if (challengeEl && !PATTERNS.Challenge.test(challenge))
    issues.push(`Challenge: wartość '${challenge}' jest niezgodna ze wzorcem.`)
  const contextEl = expect(1, 'ContextIdentifier')
  let context: ContextIdentifier | undefined
  if (contextEl) {
    const inner = elements(contextEl)
    const [only] = inner
    const type = only?.localName as ContextIdentifier['type'] | undefined
    if (inner.length !== 1 || !type || !(type in PATTERNS) || only?.namespaceURI !== ns) {
      issues.push('ContextIdentifier musi zawierać dokładnie jeden z elementów Nip, InternalId, NipVatUe, PeppolId.')
    } else if (!(PATTERNS[type as keyof typeof PATTERNS] as RegExp).test(text(only))) {
      issues.push(`ContextIdentifier/${type}: wartość '${text(only)}' jest niezgodna ze wzorcem.`)
    } else {
      context = { type, value: text(only) }
    }
  }
  const subjectEl = expect(2, 'SubjectIdentifierType')
  const subjectType = text(subjectEl)
  if (subjectEl && subjectType !== 'certificateSubject' && subjectType !== 'certificateFingerprint') {
    issues.push(
      `SubjectIdentifierType: wartość '${subjectType}' nie należy do certificateSubject, certificateFingerprint.`,
    )
  }
  let allowedIps: AuthTokenRequest['allowedIps']
  const policyEl = children[3]
  if (policyEl) {
    if (policyEl.localName !== 'AuthorizationPolicy' || policyEl.namespaceURI !== ns || children.length > 4) {
      issues.push(`Element ${policyEl.localName} nie jest tu dozwolony.`)
    } else {
      const [allowed, ...rest] = elements(policyEl)
      if (allowed?.localName !== 'AllowedIps' || rest.length) {
        issues.push('AuthorizationPolicy musi zawierać element AllowedIps.')
      } else {
        allowedIps = { ip4Addresses: [], ip4Ranges: [], ip4Masks: [] }
        const lists = {
          Ip4Address: allowedIps.ip4Addresses,
          Ip4Range: allowedIps.ip4Ranges,
          Ip4Mask: allowedIps.ip4Masks,
        }
        let order = 0
        for (const entry of elements(allowed)) {
          const name = entry.localName as keyof typeof lists
          const position = ['Ip4Address', 'Ip4Range', 'Ip4Mask'].indexOf(name)
          if (position < order || position === -1) {
            issues.push(`Element ${entry.localName} nie jest tu dozwolony.`)
            continue
          }
          order = position
          if (!(PATTERNS[name] as RegExp).test(text(entry)))
            issues.push(`${name}: wartość '${text(entry)}' jest niezgodna ze wzorcem.`)
          lists[name].push(text(entry))
          if (lists[name].length > 10) issues.push(`${name}: dozwolonych jest najwyżej 10 elementów.`)
        }
      }
    }
  }
  if (issues.length || !context) return { ok: false, issues: issues.length ? issues : ['Nieprawidłowy dokument.'] }
  return {
    ok: true,
    request: {
      challenge,
      context,
      subjectIdentifierType: subjectType as AuthTokenRequest['subjectIdentifierType'],
      ...(allowedIps ? { allowedIps } : {}),
    },
  }
}
