/**
 * The official FA(3) XSD, compiled once per process and reused: compiling it takes ~100 ms, validating an
 * invoice against the compiled schema well under one.
 *
 * @module
 */
import { readFileSync } from 'node:fs'
import {
  XmlBufferInputProvider,
  XmlDocument,
  XmlElement,
  XmlValidateError,
  XsdValidator,
  xmlRegisterInputProvider,
} from 'libxml2-wasm'
import type { Fa3Issue } from '../errors.ts'

const SCHEMA_DIR = new URL('../../schemas/', import.meta.url)
const MAIN = 'schemat_FA3_v1-0E.localimport.xsd'
const FILES = [MAIN, 'StrukturyDanych_v10-0E.xsd', 'ElementarneTypyDanych_v10-0E.xsd', 'KodyKrajow_v10-0E.xsd']
// A private pseudo-directory: only these names are served from memory, nothing from disk or network.
const BASE = 'ksef-hub-fa3-xsd/'

let validator: XsdValidator | undefined

function compile(): XsdValidator {
  const buffers: Record<string, Uint8Array> = {}
  for (const file of FILES) buffers[BASE + file] = readFileSync(new URL(file, SCHEMA_DIR))
  xmlRegisterInputProvider(new XmlBufferInputProvider(buffers))
  // The schema document stays alive with the validator: libxml2's compiled schema points into it.
  const schemaDoc = XmlDocument.fromBuffer(buffers[BASE + MAIN] as Uint8Array, { url: BASE + MAIN })
  return XsdValidator.fromDoc(schemaDoc)
}

/**
 * The compiled FA(3) validator, compiled on first use.
 *
 * @example
 * ```ts
 * fa3Validator() // compile ahead of the first invoice, e.g. at start-up
 * ```
 */
export function fa3Validator(): XsdValidator {
  validator ??= compile()
  return validator
}

// Names the element libxml2 reports by position only (e.g. /*[1]/*[6]/*[20]/*[9] becomes /Faktura/Fa/FaWiersz[3]/P_11).
function namedPath(doc: XmlDocument, positional: string): string | undefined {
  let node: XmlElement | null
  try {
    const found = doc.get(positional)
    node = found instanceof XmlElement ? found : null
  } catch {
    return undefined
  }
  const parts: string[] = []
  for (; node; node = node.parent) {
    let index = 0
    let count = 0
    for (let sibling = node.parent?.firstChild ?? null; sibling; sibling = sibling.next) {
      if (sibling instanceof XmlElement && sibling.name === node.name) {
        count++
        if (sibling.isSameNode(node)) index = count
      }
    }
    parts.unshift(count > 1 ? `${node.name}[${index}]` : node.name)
  }
  return parts.length ? `/${parts.join('/')}` : undefined
}

const NAMESPACE_IN_MESSAGE = /\{http:\/\/crd\.gov\.pl\/wzor\/2025\/06\/25\/13775\/\}/g

/**
 * Validates a parsed document against the FA(3) XSD.
 *
 * @returns one issue per XSD violation (empty when valid), each with its line and a message naming the element.
 * @example
 * ```ts
 * const issues = xsdIssues(doc)
 * ```
 */
export function xsdIssues(doc: XmlDocument): Fa3Issue[] {
  try {
    fa3Validator().validate(doc)
    return []
  } catch (error) {
    if (!(error instanceof XmlValidateError)) throw error
    return error.details.map((detail) => {
      const xmlPath = detail.xpath ? (namedPath(doc, detail.xpath) ?? detail.xpath) : undefined
      return {
        code: 'XSD',
        severity: 'error' as const,
        message: detail.message.replace(NAMESPACE_IN_MESSAGE, '').trim(),
        ...(detail.line ? { line: detail.line } : {}),
        ...(xmlPath ? { xmlPath } : {}),
      }
    })
  }
}
