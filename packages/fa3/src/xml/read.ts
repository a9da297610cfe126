/**
 * The front door for XML input: everything KSeF refuses before it even parses an invoice is refused here, with
 * an error that says what and where, before any XML parser sees the bytes.
 *
 * @module
 */
import { Fa3Error, type Fa3Issue } from '../errors.ts'
import { codePointLabel, findForbiddenCharacter } from './characters.ts'
import { MAX_ATTRIBUTES, MAX_ATTRIBUTES_PER_ELEMENT, scanMarkup } from './markup.ts'

/** KSeF's size limit for an invoice with an attachment; without one it is 1,000,000 bytes (a business rule). */
export const MAX_INVOICE_BYTES = 3_000_000

/** Options of {@link readXmlInput}. */
export interface ReadOptions {
  /** Refuse larger input. Default {@link MAX_INVOICE_BYTES}. */
  readonly maxBytes?: number
}

/** XML input that passed the front door: the exact bytes and their text. */
export interface XmlInput {
  readonly bytes: Uint8Array
  readonly text: string
}

function unreadable(code: string, message: string, position?: { line: number; column: number }): Fa3Error {
  const issue: Fa3Issue = { code, severity: 'error', message, ...position }
  return new Fa3Error('FA3_UNREADABLE', [issue])
}

function lineAndColumn(text: string, index: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    line++
    lineStart = i + 1
  }
  return { line, column: index - lineStart + 1 }
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence (for the error message). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const lead = bytes[i] as number
    if (lead < 0x80) {
      i++
      continue
    }
    const extra =
      lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : 0
    if (extra === 0) return i
    let codePoint = lead & (0x3f >> extra)
    for (let k = 1; k <= extra; k++) {
      const next = bytes[i + k]
      if (next === undefined || (next & 0xc0) !== 0x80) return i
      codePoint = (codePoint << 6) | (next & 0x3f)
    }
    const shortest = [0, 0x80, 0x800, 0x10000][extra] as number
    if (codePoint < shortest || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return i
    i += extra + 1
  }
  return bytes.length
}

/**
 * Checks raw XML input the way KSeF does before parsing: size, byte order mark, UTF-8, the declared encoding,
 * no DTD (which also rules out entity-expansion "XML bombs"), no processing instructions, no more attributes than
 * FA(3) can use (see `markup.ts`), no forbidden characters.
 *
 * @throws {@link Fa3Error} with code `FA3_UNREADABLE` and one issue naming the problem and its position.
 * @example
 * ```ts
 * const { bytes, text } = readXmlInput(await readFile('invoice.xml'))
 * ```
 */
export function readXmlInput(input: Uint8Array | string, options: ReadOptions = {}): XmlInput {
  const maxBytes = options.maxBytes ?? MAX_INVOICE_BYTES
  if (typeof input === 'string' && input.charCodeAt(0) === 0xfeff) {
    throw unreadable('XML_BOM', 'the document starts with a byte order mark (BOM); KSeF requires UTF-8 without a BOM')
  }
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input
  if (bytes.length === 0) throw unreadable('XML_EMPTY', 'the document is empty')
  if (bytes.length > maxBytes) {
    throw unreadable(
      'XML_TOO_LARGE',
      `the document is ${bytes.length.toLocaleString('en')} bytes; the limit is ${maxBytes.toLocaleString('en')} (KSeF accepts 1,000,000 without an attachment, 3,000,000 with one)`,
    )
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    throw unreadable(
      'XML_BOM',
      'the document starts with a UTF-8 byte order mark (BOM); KSeF requires UTF-8 without a BOM',
    )
  }
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe)) {
    throw unreadable(
      'XML_ENCODING',
      'the document is UTF-16 (it starts with a UTF-16 byte order mark); KSeF requires UTF-8',
    )
  }
  let text: string
  try {
    text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    const offset = firstInvalidUtf8(bytes)
    throw unreadable(
      'XML_ENCODING',
      `the document is not valid UTF-8: byte 0x${bytes[offset]?.toString(16).padStart(2, '0')} at offset ${offset} (KSeF requires UTF-8)`,
    )
  }
  const declared = /^<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']/.exec(text)?.[1]
  if (declared !== undefined && declared.toLowerCase() !== 'utf-8') {
    throw unreadable('XML_ENCODING', `the XML declaration says encoding="${declared}"; KSeF requires UTF-8`, {
      line: 1,
      column: 1,
    })
  }
  const markup = scanMarkup(text)
  if (markup?.kind === 'doctype') {
    throw unreadable(
      'XML_DTD',
      'the document has a DOCTYPE (a DTD); FA(3) invoices have none, and entity declarations are refused',
      lineAndColumn(text, markup.index),
    )
  }
  if (markup?.kind === 'pi') {
    throw unreadable(
      'XML_PROCESSING_INSTRUCTION',
      'the document contains a processing instruction (<?...?>); KSeF refuses them',
      lineAndColumn(text, markup.index),
    )
  }
  if (markup?.kind === 'element-attributes') {
    throw unreadable(
      'XML_TOO_MANY_ATTRIBUTES',
      `an element has ${markup.count.toLocaleString('en')} attributes; FA(3) elements have a few, and the limit is ${MAX_ATTRIBUTES_PER_ELEMENT}`,
      lineAndColumn(text, markup.index),
    )
  }
  if (markup?.kind === 'attributes') {
    throw unreadable(
      'XML_TOO_MANY_ATTRIBUTES',
      `the document has more than ${MAX_ATTRIBUTES.toLocaleString('en')} attributes, more than an FA(3) invoice can use`,
      lineAndColumn(text, markup.index),
    )
  }
  const forbidden = findForbiddenCharacter(text)
  if (forbidden) {
    throw unreadable(
      'XML_FORBIDDEN_CHARACTER',
      `the document contains ${codePointLabel(forbidden.codePoint)}, a character KSeF refuses`,
      lineAndColumn(text, forbidden.index),
    )
  }
  return { bytes, text }
}
