/**
 * Group commit for single submissions: requests that arrive while earlier ones are being written wait a moment
 * and are written together by the bulk path: one lookup, then one statement for their rows and jobs.
 * At low load every request is written alone, at once; under load the batches grow by themselves, so the
 * database sees a few large writes instead of thousands of tiny transactions (each of which costs a commit and
 * seven round trips). Each request still gets its own answer, with intake's rules and error codes.
 *
 * Used for the structural JSON path, the hot path of the API; full validation and XML go through intake.
 *
 * The members of a batch are independent requests, so one must not fail the others: when a batch's write fails for
 * a reason other than a database outage (one member's data that the database refuses), each member is written
 * again on its own, and only the one at fault fails. During an outage every member would fail alike, so the batch
 * fails at once.
 *
 * @module
 */
import type { PipelineContext } from '../context.ts'
import { isDatabaseUnavailable } from '../db/unavailable.ts'
import { PipelineError } from '../errors.ts'
import type { SubmitOutcome } from '../invoices/intake.ts'
import { getTenant } from '../tenants/tenants.ts'
import { type BulkItemResult, submitInvoicesBulk } from './bulk-intake.ts'

/** One submission. */
export interface BatchedSubmission {
  readonly tenantId: string
  /** The canonical JSON model. */
  readonly invoice: unknown
  readonly sourceRef?: string
  readonly source?: string
  readonly actor?: string
}

/** Options of {@link createSubmissionBatcher}. */
export interface BatcherOptions {
  /** Most submissions in one transaction (default 200). */
  readonly maxBatch?: number
  /** Transactions in flight per tenant at once (default 4). */
  readonly maxInFlight?: number
}

/** A batcher: submit like `submitInvoice`, get the same answer. */
export interface SubmissionBatcher {
  submit(submission: BatchedSubmission): Promise<SubmitOutcome>
}

interface Waiting {
  readonly submission: BatchedSubmission
  resolve(outcome: SubmitOutcome): void
  reject(error: unknown): void
  /** Written on its own: its batch failed, and it must not fail for another member. */
  alone?: boolean
}

interface Lane {
  readonly waiting: Waiting[]
  inFlight: number
}

function settle(waiting: Waiting, result: BulkItemResult | undefined): void {
  if (!result) {
    waiting.reject(new PipelineError('INVOICE_INVALID', 'the invoice was not processed'))
  } else if (result.ok) {
    waiting.resolve({
      id: result.id,
      state: result.state,
      status: result.status,
      created: result.created,
      warnings: [],
    })
  } else {
    const details = (result.error.details ?? {}) as Record<string, unknown>
    waiting.reject(new PipelineError(result.error.code, result.error.message, details))
  }
}

/**
 * Creates a group-commit batcher on a pipeline context.
 *
 * @example
 * ```ts
 * const batcher = createSubmissionBatcher(context)
 * const outcome = await batcher.submit({ tenantId: 'acme', invoice })
 * ```
 */
export function createSubmissionBatcher(context: PipelineContext, options: BatcherOptions = {}): SubmissionBatcher {
  const maxBatch = options.maxBatch ?? 200
  const maxInFlight = options.maxInFlight ?? 4
  const lanes = new Map<string, Lane>()
  // A tenant's NIP never changes, and disabled tenants are stopped at authentication: a short cache is safe and
  // saves a query per batch.
  const tenants = new Map<string, { tenant: Promise<{ id: string; nip: string }>; until: number }>()
  const tenantOf = (tenantId: string) => {
    const cached = tenants.get(tenantId)
    if (cached && cached.until > Date.now()) return cached.tenant
    const tenant = getTenant(context.db, tenantId)
    tenants.set(tenantId, { tenant, until: Date.now() + 5_000 })
    tenant.catch(() => tenants.delete(tenantId))
    return tenant
  }

  const pump = (key: string, lane: Lane): void => {
    while (lane.inFlight < maxInFlight && lane.waiting.length > 0) {
      const batch = lane.waiting.splice(0, lane.waiting[0]?.alone ? 1 : maxBatch)
      const first = (batch[0] as Waiting).submission
      lane.inFlight++
      tenantOf(first.tenantId)
        .then((tenant) =>
          submitInvoicesBulk(context, {
            tenantId: first.tenantId,
            tenant,
            items: batch.map(({ submission }) => ({
              invoice: submission.invoice,
              ...(submission.sourceRef !== undefined ? { sourceRef: submission.sourceRef } : {}),
            })),
            ...(first.source !== undefined ? { source: first.source } : {}),
            ...(first.actor !== undefined ? { actor: first.actor } : {}),
          }),
        )
        .then(
          (results) => {
            for (const [index, waiting] of batch.entries()) settle(waiting, results[index])
          },
          (error: unknown) => {
            if (batch.length === 1 || isDatabaseUnavailable(error)) {
              for (const waiting of batch) waiting.reject(error)
              return
            }
            // One member's data failed the batch's one statement: each goes again on its own, first in line.
            for (const waiting of batch) waiting.alone = true
            lane.waiting.unshift(...batch)
          },
        )
        .finally(() => {
          lane.inFlight--
          if (lane.waiting.length === 0 && lane.inFlight === 0) lanes.delete(key)
          else pump(key, lane)
        })
    }
  }

  return {
    submit(submission) {
      // One lane per tenant, source and actor: a batch is one tenant's, written as one bulk request.
      const key = `${submission.tenantId}\u0000${submission.source ?? ''}\u0000${submission.actor ?? ''}`
      let lane = lanes.get(key)
      if (!lane) {
        lane = { waiting: [], inFlight: 0 }
        lanes.set(key, lane)
      }
      const promise = new Promise<SubmitOutcome>((resolve, reject) => {
        ;(lane as Lane).waiting.push({ submission, resolve, reject })
      })
      pump(key, lane)
      return promise
    },
  }
}
