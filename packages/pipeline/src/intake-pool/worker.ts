/**
 * A thread of the intake pool: checks one submission (see `invoices/prepare.ts`). A refusal comes back as data, so
 * that the pipeline's error, its code and its findings cross the thread boundary whole (a thrown error would
 * arrive as a bare Error).
 *
 * @module
 */
import { fa3Validator } from '@ksef-hub/fa3'
import { isPipelineError } from '../errors.ts'
import { type PreparedSubmission, type PrepareInput, prepareSubmission } from '../invoices/prepare.ts'

// The FA(3) XSD compiled when the thread starts, not on its first document: a thread's first document waited
// over a second for it (and for the thread), which was the worst answer another tenant got while one tenant's
// documents held the other thread.
fa3Validator()

/** What the main thread sends. */
export interface PrepareTask {
  readonly input: PrepareInput
  /** The clock of the caller (ms), for the business rules' "not after today". */
  readonly now: number
}

/** What comes back. */
export type PrepareResult =
  | { readonly ok: true; readonly prepared: PreparedSubmission }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly details: unknown }

/**
 * Checks one submission.
 *
 * @example
 * ```ts
 * const result = prepareTask({ input: { invoice: bytes, format: 'xml' }, now: Date.now() })
 * ```
 */
export default function prepareTask(task: PrepareTask): PrepareResult {
  try {
    return { ok: true, prepared: prepareSubmission(task.input, new Date(task.now)) }
  } catch (error) {
    if (!isPipelineError(error)) throw error
    return { ok: false, code: error.code, message: error.message, details: error.details }
  }
}
