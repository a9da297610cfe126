/**
 * Parsing XML into libxml2 documents, and reading a libxml2 element tree into plain objects once, so that the
 * mapping code never calls into WebAssembly per field.
 *
 * @module
 */
import { ParseOption, XmlCData, XmlDocument, XmlElement, XmlLibError, XmlText } from 'libxml2-wasm'
import { Fa3Error } from '../errors.ts'
import type { XmlInput } from './read.ts'

/** An element as plain data. */
export interface XmlElementData {
  readonly name: string
  readonly namespace: string
  readonly attrs: Readonly<Record<string, string>>
  readonly children: readonly XmlElementData[]
  /** Concatenated text and CDATA content (empty for elements with children). */
  readonly text: string
  readonly line: number
}

// No network, no external entities: the reader has already refused DTDs, this is the second lock.
const PARSE_OPTIONS = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE

/**
 * Parses checked input into a libxml2 document. The caller must `dispose()` it.
 *
 * @throws {@link Fa3Error} `FA3_UNREADABLE` with the parser's messages and positions when it is not well-formed.
 * @example
 * ```ts
 * const doc = parseXmlDocument(readXmlInput(bytes))
 * try { ... } finally { doc.dispose() }
 * ```
 */
export function parseXmlDocument(input: XmlInput): XmlDocument {
  try {
    return XmlDocument.fromBuffer(input.bytes, { option: PARSE_OPTIONS })
  } catch (error) {
    if (!(error instanceof XmlLibError)) throw error
    const details = error.details.length ? error.details : [{ message: error.message, line: 0, col: 0 }]
    throw new Fa3Error(
      'FA3_UNREADABLE',
      details.map((detail) => ({
        code: 'XML_MALFORMED',
        severity: 'error' as const,
        message: `the XML is not well-formed: ${detail.message.trim()}`,
        ...(detail.line ? { line: detail.line, column: detail.col } : {}),
      })),
    )
  }
}

/**
 * Reads an element and its descendants into plain data.
 *
 * @example
 * ```ts
 * const root = elementData(doc.root)
 * ```
 */
export function elementData(element: XmlElement): XmlElementData {
  const children: XmlElementData[] = []
  let text = ''
  for (let node = element.firstChild; node !== null; node = node.next) {
    if (node instanceof XmlElement) children.push(elementData(node))
    else if (node instanceof XmlText || node instanceof XmlCData) text += node.content
  }
  const attrs: Record<string, string> = {}
  for (const attr of element.attrs) attrs[attr.name] = attr.value
  return {
    name: element.name,
    namespace: element.namespaceUri,
    attrs,
    children,
    text: children.length ? '' : text,
    line: element.line,
  }
}
