/**
 * What the hub can keep of a source document. PostgreSQL refuses U+0000 in text and in JSON, and unpaired surrogates
 * in JSON; a document carrying one failed its page's every reading, and the connection's pulls stopped there for
 * good. Such a document, and one too large to keep, is recorded as unmappable instead (without its data), so the
 * page goes on and a person sees which document to fix.
 *
 * @module
 */
import type { SourceDocument } from '@ksef-hub/connector-sdk'
import type { DocumentOutcome } from './documents.ts'

/** The largest source document the hub keeps (JSON bytes). */
export const MAX_DOCUMENT_BYTES = 1024 * 1024

// In JSON.stringify's output: a NUL, or a surrogate it escaped (it escapes only unpaired ones), not itself escaped.
const UNSTORABLE_JSON = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i

/**
 * Text PostgreSQL stores: a zero byte written out as `\u0000`, an unpaired surrogate as U+FFFD.
 *
 * @example
 * ```ts
 * storableText('INV\u00001') // 'INV\\u00001'
 * ```
 */
export function storableText(text: string): string {
  return text.replaceAll('\u0000', '\\u0000').toWellFormed()
}

/**
 * The JSON of a value with every string made storable.
 *
 * @example
 * ```ts
 * const issues = storableJson(outcome.issues)
 * ```
 */
export function storableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'string' ? storableText(inner) : inner))
}

/**
 * Why a document (as JSON) cannot be kept, as its outcome, or `undefined` when it can.
 *
 * @example
 * ```ts
 * const problem = unkeepable(document, JSON.stringify(document.data))
 * ```
 */
export function unkeepable(document: SourceDocument, json: string): DocumentOutcome | undefined {
  const ref = storableText(document.ref)
  if (ref !== document.ref) {
    return {
      state: 'unmappable',
      code: 'DOCUMENT_UNSTORABLE',
      field: 'ref',
      reason: `document ${ref}: its id has a character the hub cannot store (U+0000 or an unpaired surrogate)`,
      fix: "remove the character from the document's id in the source system",
    }
  }
  if (Buffer.byteLength(json) > MAX_DOCUMENT_BYTES) {
    return {
      state: 'unmappable',
      code: 'DOCUMENT_TOO_LARGE',
      field: 'document',
      reason: `document ${ref} is over ${MAX_DOCUMENT_BYTES} bytes as JSON`,
    }
  }
  if (UNSTORABLE_JSON.test(json)) {
    return {
      state: 'unmappable',
      code: 'DOCUMENT_UNSTORABLE',
      field: 'document',
      reason: `document ${ref} has a character the hub cannot store (U+0000 or an unpaired surrogate)`,
      fix: 'remove the character from the document in the source system; the hub takes it again when it changes',
    }
  }
  return undefined
}
