/**
 * Bulk intake's rules per item, decided on what the lookups found (intake's rules, invoices/intake.ts): the same
 * document stored before answers with its first record; changed content of a document in flight is
 * `IDEMPOTENCY_CONFLICT`; a rejected document comes back with its corrected content (a resubmission); a number
 * held by another live invoice is `DUPLICATE_INVOICE_NUMBER`. Items later in a request see the items before them.
 *
 * @module
 */
import { newRecordId } from '../invoices/keys.ts'
import { accountantStatus, type InvoiceState } from '../invoices/states.ts'
import type { BulkItemResult } from './bulk-intake.ts'
import type { LiveNumber, StoredDocument } from './lookups.ts'
import { type Candidate, failure } from './prepare.ts'

/** A candidate to write, with the id it is stored under. */
export interface Write {
  readonly id: string
  readonly candidate: Candidate
}

/** What to write, and what to answer for each candidate. */
export interface Decision {
  readonly results: BulkItemResult[]
  /** New documents. */
  readonly inserts: Write[]
  /** Rejected documents coming back with corrected content. */
  readonly resubmits: Write[]
}

/**
 * Decides on every candidate, in order.
 *
 * @example
 * ```ts
 * const { results, inserts, resubmits } = decide(candidates, 'api', documents, numbers)
 * ```
 */
export function decide(
  candidates: readonly Candidate[],
  source: string,
  documents: readonly StoredDocument[],
  numbers: readonly LiveNumber[],
): Decision {
  const existing = new Map(documents.map((row) => [row.idempotency_key, row]))
  const live = new Map<string, { id: string; ksef_number: string | null }>(
    numbers.map((row) => [row.duplicate_key, row]),
  )
  const decision: Decision = { results: [], inserts: [], resubmits: [] }
  const { results } = decision
  // What this request itself has claimed: items later in the list see items earlier in it.
  const claimedKeys = new Map<string, { id: string; hash: string; state: InvoiceState }>()
  for (const candidate of candidates) {
    const { index, key, hash, dup } = candidate
    const earlier = claimedKeys.get(key)
    if (earlier) {
      results.push(
        earlier.hash === hash
          ? {
              index,
              ok: true,
              id: earlier.id,
              state: earlier.state,
              status: accountantStatus(earlier.state),
              created: false,
            }
          : failure(
              index,
              'IDEMPOTENCY_CONFLICT',
              `${source} document ${candidate.sourceRef} appears twice in this request with different content`,
            ),
      )
      continue
    }
    const found = existing.get(key)
    if (found && found.content_hash === hash) {
      const state = found.state as InvoiceState
      results.push({ index, ok: true, id: found.id, state, status: accountantStatus(state), created: false })
      claimedKeys.set(key, { id: found.id, hash, state })
      continue
    }
    if (found && found.state !== 'rejected') {
      results.push(
        failure(
          index,
          'IDEMPOTENCY_CONFLICT',
          `${source} document ${candidate.sourceRef} was submitted before with different content (invoice ${found.id}, ${found.state}); correct a sent invoice with a correction invoice (KOR), not by resubmitting it`,
          { invoiceId: found.id, state: found.state },
        ),
      )
      continue
    }
    const clash = live.get(dup.value)
    if (clash && clash.id !== found?.id) {
      results.push(
        failure(
          index,
          'DUPLICATE_INVOICE_NUMBER',
          `invoice number ${dup.invoiceNumber} (${dup.invoiceType}) of seller ${dup.sellerNip} is already used by invoice ${clash.id}${clash.ksef_number ? ` (KSeF ${clash.ksef_number})` : ''}; KSeF would reject it as a duplicate`,
          { invoiceId: clash.id, ksefNumber: clash.ksef_number },
        ),
      )
      continue
    }
    const id = found?.id ?? newRecordId()
    live.set(dup.value, { id, ksef_number: null })
    claimedKeys.set(key, { id, hash, state: 'received' })
    ;(found ? decision.resubmits : decision.inserts).push({ id, candidate })
    results.push({ index, ok: true, id, state: 'received', status: accountantStatus('received'), created: !found })
  }
  return decision
}
