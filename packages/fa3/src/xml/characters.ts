/**
 * Characters KSeF refuses: those XML 1.0 forbids and the "discouraged" ones KSeF rejects on PRD since
 * 16.07.2026 (#x7F–#x84, #x86–#x9F, #xFDD0–#xFDEF, #xnFFFE–#xnFFFF). Lone surrogates cannot be encoded as UTF-8.
 *
 * @module
 */

// Without the `u` flag this scan is several times faster; code points beyond the BMP are checked separately.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const BMP_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\uFDD0-\uFDEF\uFFFE\uFFFF]/
const SURROGATE = /[\uD800-\uDFFF]/

function findAstralProblem(text: string): { index: number; codePoint: number } | undefined {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0xd800 || unit > 0xdfff) continue
    const next = text.charCodeAt(i + 1)
    if (unit > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return { index: i, codePoint: unit }
    const codePoint = text.codePointAt(i) as number
    if ((codePoint & 0xfffe) === 0xfffe) return { index: i, codePoint }
    i++
  }
  return undefined
}

/**
 * Finds the first character KSeF would refuse.
 *
 * @returns its index and code point, or `undefined` when the text is clean.
 * @example
 * ```ts
 * findForbiddenCharacter('ok\u0084') // { index: 2, codePoint: 0x84 }
 * ```
 */
export function findForbiddenCharacter(text: string): { index: number; codePoint: number } | undefined {
  const match = BMP_FORBIDDEN.exec(text)
  const astral = SURROGATE.test(text) ? findAstralProblem(text) : undefined
  if (match && (!astral || match.index < astral.index)) {
    return { index: match.index, codePoint: match[0].charCodeAt(0) }
  }
  return astral
}

/**
 * Formats a code point as `U+XXXX` for error messages.
 *
 * @example
 * ```ts
 * codePointLabel(0x84) // 'U+0084'
 * ```
 */
export function codePointLabel(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`
}
