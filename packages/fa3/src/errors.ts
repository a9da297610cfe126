/**
 * The error family of the FA(3) engine: one class, a stable code per failure kind, and the list of issues that
 * say which field is wrong and why.
 *
 * @module
 */

/** What went wrong, at the level a caller acts on. */
export type Fa3ErrorCode =
  /** The input could not be read as an XML document at all (encoding, BOM, size, DTD, not well-formed). */
  | 'FA3_UNREADABLE'
  /** The XML is well-formed but does not match the FA(3) XSD. */
  | 'FA3_SCHEMA_INVALID'
  /** A model (JSON) does not match the canonical invoice model. */
  | 'FA3_MODEL_INVALID'
  /** The invoice is structurally valid but breaks business rules KSeF or the VAT Act enforce. */
  | 'FA3_RULES_FAILED'

/** One finding about an invoice. */
export interface Fa3Issue {
  /** Stable machine code, e.g. `NIP_CHECKSUM`, `XSD`, `XML_BOM`. */
  readonly code: string
  readonly severity: 'error' | 'warning'
  /** Human-readable explanation that names the field. */
  readonly message: string
  /** Path in the model, e.g. `details.lines[2].netAmount`. */
  readonly path?: string
  /** Path in the XML, e.g. `/Faktura/Fa/FaWiersz[3]/P_11`. */
  readonly xmlPath?: string
  /** Line in the XML source, when the issue came from XML. */
  readonly line?: number
  readonly column?: number
}

/**
 * Thrown by the FA(3) engine. `issues` holds every finding, errors first.
 *
 * @example
 * ```ts
 * try {
 *   parseInvoiceXml(bytes)
 * } catch (error) {
 *   if (error instanceof Fa3Error) console.error(error.code, error.issues)
 * }
 * ```
 */
export class Fa3Error extends Error {
  readonly code: Fa3ErrorCode
  readonly issues: readonly Fa3Issue[]

  constructor(code: Fa3ErrorCode, issues: readonly Fa3Issue[], message?: string) {
    super(message ?? summarize(code, issues))
    this.name = 'Fa3Error'
    this.code = code
    this.issues = issues
  }
}

/**
 * Formats an issue as one line: where, then what.
 *
 * @example
 * ```ts
 * formatIssue({ code: 'XSD', severity: 'error', message: 'bad', line: 3, xmlPath: '/Faktura/Fa/P_2' })
 * // 'line 3: /Faktura/Fa/P_2: bad [XSD]'
 * ```
 */
export function formatIssue(issue: Fa3Issue): string {
  const where = [
    issue.line !== undefined ? `line ${issue.line}` : undefined,
    issue.xmlPath,
    issue.path && !issue.xmlPath ? issue.path : undefined,
  ].filter(Boolean)
  const prefix = where.length ? `${where.join(': ')}: ` : ''
  return `${prefix}${issue.message} [${issue.code}]`
}

function summarize(code: Fa3ErrorCode, issues: readonly Fa3Issue[]): string {
  const errors = issues.filter((issue) => issue.severity === 'error')
  const first = errors[0] ?? issues[0]
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''
  return first ? `${code}: ${formatIssue(first)}${more}` : code
}
