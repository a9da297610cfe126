/**
 * The CPU half of intake: a submission checked and turned into the model (and, for XML or full validation, its
 * exact XML). Pure work on the input, no database: it can run on another thread (see `intake-pool/`), which is
 * where the gateway runs it for XML and full validation, the costly cases (an FA(3) document of 3 MB takes a
 * parser hundreds of milliseconds).
 *
 * @module
 */
import {
  createdAtOf,
  Fa3Error,
  type Fa3Issue,
  type Invoice,
  parseInvoiceModel,
  parseInvoiceXml,
  validateInvoice,
  validateInvoiceXml,
  withDefaultHeader,
} from '@ksef-hub/fa3'
import { PipelineError } from '../errors.ts'

/** What a submission is, as far as checking it goes. */
export interface PrepareInput {
  /** The canonical JSON model (the header may be left out), or the FA(3) XML as bytes. */
  readonly invoice: unknown
  readonly format?: 'json' | 'xml'
  readonly validation?: 'full' | 'structural'
}

/** A checked submission: its model, its XML when known, and the findings that did not refuse it. */
export interface PreparedSubmission {
  readonly invoice: Invoice
  readonly xml: Uint8Array | null
  readonly warnings: Fa3Issue[]
}

function invalid(issues: readonly Fa3Issue[]): PipelineError {
  const errors = issues.filter((issue) => issue.severity === 'error')
  const first = errors[0]
  return new PipelineError(
    'INVOICE_INVALID',
    first
      ? `the invoice is invalid: ${first.path ?? first.xmlPath ?? ''} ${first.message}`.replace(/\s+/g, ' ')
      : 'the invoice is invalid',
    { issues },
  )
}

/**
 * Checks a submission (the model or the XML; with `validation: 'full'`, the XSD and business rules too).
 *
 * @throws {@link PipelineError} `INVOICE_INVALID` with every finding in `details.issues`
 * @example
 * ```ts
 * const { invoice, xml, warnings } = prepareSubmission({ invoice: bytes, format: 'xml' }, new Date())
 * ```
 */
export function prepareSubmission(request: PrepareInput, now: Date): PreparedSubmission {
  const full = (request.validation ?? 'full') === 'full'
  if ((request.format ?? 'json') === 'xml') {
    const bytes =
      request.invoice instanceof Uint8Array ? request.invoice : new TextEncoder().encode(String(request.invoice))
    if (!full) {
      try {
        return { invoice: parseInvoiceXml(bytes), xml: bytes, warnings: [] }
      } catch (error) {
        if (error instanceof Fa3Error) throw invalid(error.issues)
        throw error
      }
    }
    const report = validateInvoiceXml(bytes, { now })
    if (!report.valid || !report.invoice) throw invalid(report.issues)
    return { invoice: report.invoice, xml: bytes, warnings: [...report.issues] }
  }
  const input = withDefaultHeader(request.invoice, createdAtOf(now))
  if (!full) {
    const parsed = parseInvoiceModel(input)
    if (!parsed.success) throw invalid(validateInvoice(input as never).issues)
    return { invoice: parsed.data, xml: null, warnings: [] }
  }
  const report = validateInvoice(input as never, { now })
  if (!report.valid || !report.invoice) throw invalid(report.issues)
  return { invoice: report.invoice, xml: report.bytes ?? null, warnings: [...report.issues] }
}
