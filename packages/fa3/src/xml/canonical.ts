/**
 * Canonical form of an FA(3) document, for comparing two documents by content: exclusive XML C14N (attribute
 * order, namespace declarations, quoting and empty elements normalized) after dropping the whitespace between
 * elements, which FA(3) never gives meaning to (it has no mixed content).
 *
 * @module
 */
import { XmlC14NMode, XmlElement, XmlText } from 'libxml2-wasm'
import { parseXmlDocument } from './document.ts'
import { readXmlInput } from './read.ts'

function dropIndentation(element: XmlElement): void {
  let hasElements = false
  for (let node = element.firstChild; node; node = node.next) if (node instanceof XmlElement) hasElements = true
  let node = element.firstChild
  while (node) {
    const next = node.next
    if (node instanceof XmlElement) dropIndentation(node)
    else if (hasElements && node instanceof XmlText && node.content.trim() === '') node.remove()
    node = next
  }
}

/**
 * The canonical form of an XML document.
 *
 * @example
 * ```ts
 * canonicalXml(original) === canonicalXml(buildInvoiceXml(parseInvoiceXml(original))) // lossless round trip
 * ```
 */
export function canonicalXml(input: Uint8Array | string): string {
  const doc = parseXmlDocument(readXmlInput(input, { maxBytes: Number.MAX_SAFE_INTEGER }))
  try {
    dropIndentation(doc.root)
    return doc.canonicalizeToString({ mode: XmlC14NMode.XML_C14N_EXCLUSIVE_1_0 })
  } finally {
    doc.dispose()
  }
}
