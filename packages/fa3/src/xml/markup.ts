/**
 * One pass over the markup of XML input, before any parser sees it: finds what KSeF refuses (a DOCTYPE, processing
 * instructions) and bounds the attributes. FA(3) needs few: the root's namespace declarations, two on
 * `KodFormularza`, one per column of an attachment's table. Attributes are where a parser's work per byte is
 * highest (libxml2 checks each against the others of its element, and the XSD names each one it does not expect):
 * 255,000 of them in a 2.95 MB document took ~3 s of one thread, so a document with more than FA(3) could use is
 * refused here, in time linear in its size.
 *
 * @module
 */

/** Most attributes (namespace declarations included) one element may have; the FA(3) root has four or five. */
export const MAX_ATTRIBUTES_PER_ELEMENT = 24
/** Most attributes a document may have: 500 attachment tables of 20 columns each. */
export const MAX_ATTRIBUTES = 10_000

/** What the pass found first, with the index of the markup's `<`. */
export type MarkupFinding =
  | { readonly kind: 'doctype' | 'pi'; readonly index: number }
  | { readonly kind: 'element-attributes'; readonly index: number; readonly count: number }
  | { readonly kind: 'attributes'; readonly index: number }

/**
 * Counts the attributes of the start tag whose name begins at `from` (each has one quoted value, which may hold a
 * `>`), and finds where the tag ends. Malformed input ends the count early: the parser will name the problem.
 */
function startTag(text: string, from: number): { end: number; count: number } {
  let count = 0
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === 0x3e /* > */) return { end: i + 1, count }
    if (code === 0x3c /* < */) return { end: i, count }
    if (code === 0x22 /* " */ || code === 0x27 /* ' */) {
      const close = text.indexOf(code === 0x22 ? '"' : "'", i + 1)
      if (close === -1) break
      count++
      i = close
    }
  }
  return { end: text.length, count }
}

/**
 * Finds a DOCTYPE, a processing instruction (outside comments and CDATA sections; the XML declaration at the very
 * start is not one), an element with more than {@link MAX_ATTRIBUTES_PER_ELEMENT} attributes, or the attribute
 * that takes the document past {@link MAX_ATTRIBUTES}; whichever comes first.
 *
 * @example
 * ```ts
 * scanMarkup('<a x="1"><?pi?></a>') // { kind: 'pi', index: 9 }
 * ```
 */
export function scanMarkup(text: string): MarkupFinding | undefined {
  let total = 0
  let i = text.startsWith('<?xml') ? text.indexOf('?>') + 2 : 0
  while (i >= 0 && i < text.length) {
    const lt = text.indexOf('<', i)
    if (lt === -1) return undefined
    const next = text.charCodeAt(lt + 1)
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4)
      i = end === -1 ? -1 : end + 3
    } else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9)
      i = end === -1 ? -1 : end + 3
    } else if (text.startsWith('<!DOCTYPE', lt) || text.startsWith('<!doctype', lt)) {
      return { kind: 'doctype', index: lt }
    } else if (next === 0x3f /* ? */) {
      return { kind: 'pi', index: lt }
    } else if (next === 0x2f /* / */ || next === 0x21 /* ! */) {
      i = lt + 2
    } else {
      const tag = startTag(text, lt + 1)
      if (tag.count > MAX_ATTRIBUTES_PER_ELEMENT) return { kind: 'element-attributes', index: lt, count: tag.count }
      total += tag.count
      if (total > MAX_ATTRIBUTES) return { kind: 'attributes', index: lt }
      i = tag.end
    }
  }
  return undefined
}
