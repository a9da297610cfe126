/**
 * Validation in two layers: the official XSD, then the business rules the XSD does not check. Returns a report
 * rather than throwing, so a caller sees every finding at once.
 *
 * @module
 */
import { Fa3Error, type Fa3ErrorCode, type Fa3Issue } from '../errors.ts'
import { type Invoice, type InvoiceInput, parseInvoiceModel } from '../model/invoice.ts'
import { serializeInvoice } from '../xml/build.ts'
import { elementData, parseXmlDocument } from '../xml/document.ts'
import { invoiceFromElement } from '../xml/parse.ts'
import { type ReadOptions, readXmlInput } from '../xml/read.ts'
import { modelIssues } from './model-issues.ts'
import { runRules, warsawDay } from './rules/index.ts'
import { xsdIssues } from './xsd.ts'

/** The outcome of a validation. */
export interface ValidationReport {
  /** `true` when there is no issue of severity `error` (warnings may remain). */
  readonly valid: boolean
  /** The stage that failed: unreadable input, XSD, model, or business rules; absent when valid. */
  readonly code?: Fa3ErrorCode
  /** Errors first, then warnings. */
  readonly issues: readonly Fa3Issue[]
  /** The invoice, when it could be read into the model. */
  readonly invoice?: Invoice
  /** The exact XML bytes validated (the input, or the XML built from a model). */
  readonly bytes?: Uint8Array
}

/** Options of the validators. */
export interface ValidateOptions extends ReadOptions {
  /** The moment "today" is taken from (Europe/Warsaw). Default: now. */
  readonly now?: Date
}

function report(
  code: Fa3ErrorCode | undefined,
  issues: Fa3Issue[],
  extra: Partial<ValidationReport> = {},
): ValidationReport {
  const sorted = [...issues.filter((i) => i.severity === 'error'), ...issues.filter((i) => i.severity === 'warning')]
  const valid = !sorted.some((issue) => issue.severity === 'error')
  return { valid, ...(valid ? {} : { code: code ?? 'FA3_RULES_FAILED' }), issues: sorted, ...extra }
}

function fromError(error: unknown): ValidationReport {
  if (error instanceof Fa3Error) return report(error.code, [...error.issues])
  throw error
}

function withRules(invoice: Invoice, bytes: Uint8Array, options: ValidateOptions): ValidationReport {
  const now = options.now ?? new Date()
  const issues = runRules({ invoice, bytes, now, today: warsawDay(now) })
  return report('FA3_RULES_FAILED', issues, { invoice, bytes })
}

/**
 * Validates FA(3) XML: front-door checks, the XSD, then the business rules.
 *
 * @example
 * ```ts
 * const result = validateInvoiceXml(await readFile('invoice.xml'))
 * if (!result.valid) for (const issue of result.issues) console.log(formatIssue(issue))
 * ```
 */
export function validateInvoiceXml(input: Uint8Array | string, options: ValidateOptions = {}): ValidationReport {
  let bytes: Uint8Array
  let doc: ReturnType<typeof parseXmlDocument>
  try {
    const read = readXmlInput(input, options)
    bytes = read.bytes
    doc = parseXmlDocument(read)
  } catch (error) {
    return fromError(error)
  }
  try {
    const schemaIssues = xsdIssues(doc)
    if (schemaIssues.length) return report('FA3_SCHEMA_INVALID', schemaIssues, { bytes })
    let invoice: Invoice
    try {
      invoice = invoiceFromElement(elementData(doc.root))
    } catch (error) {
      return fromError(error)
    }
    return withRules(invoice, bytes, options)
  } finally {
    doc.dispose()
  }
}

/**
 * Validates an invoice model (for example JSON from a client): the model schema, the XSD of the XML it builds
 * to, and the business rules.
 *
 * @example
 * ```ts
 * const result = validateInvoice(json)
 * if (result.valid) send(result.bytes)
 * ```
 */
export function validateInvoice(input: InvoiceInput | Invoice, options: ValidateOptions = {}): ValidationReport {
  const parsed = parseInvoiceModel(input)
  if (!parsed.success) return report('FA3_MODEL_INVALID', modelIssues(parsed.error))
  const bytes = new TextEncoder().encode(serializeInvoice(parsed.data))
  const doc = parseXmlDocument({ bytes, text: '' })
  try {
    const schemaIssues = xsdIssues(doc)
    if (schemaIssues.length) return report('FA3_SCHEMA_INVALID', schemaIssues, { invoice: parsed.data, bytes })
  } finally {
    doc.dispose()
  }
  return withRules(parsed.data, bytes, options)
}
