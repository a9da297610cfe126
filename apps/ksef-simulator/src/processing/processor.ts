/**
 * The invoice processor: takes invoices accepted for processing (status 100), moves them to 150 and, after the
 * configured latency (or a `slow` fault's), to their outcome: a KSeF number (200) or a failure status. Online
 * sessions complete when closed and drained; batch sessions are processed by {@link processBatchSession}.
 * Invoices are finished one at a time, so the duplicate check and the number assignment cannot race.
 *
 * @module
 */
import { duplicateKey } from '@ksef-hub/fa3'
import type { ResolvedOptions } from '../context.ts'
import type { Clock } from '../core/clock.ts'
import { newReferenceNumber } from '../core/reference-number.ts'
import type { FaultRegistry } from '../faults/registry.ts'
import type { Database } from '../store/database.ts'
import { type InvoiceRecord, InvoiceStore } from '../store/invoice-store.ts'
import { type SessionRecord, SessionStore, type UpoPage } from '../store/session-store.ts'
import { TestDataStore } from '../store/testdata-store.ts'
import { acceptedRecord } from './accept.ts'
import { checkInvoice } from './invoice-checks.ts'
import { BATCH_SESSION_STATUS, INVOICE_STATUS, ONLINE_SESSION_STATUS } from './statuses.ts'

/** Documents per session UPO page. */
export const UPO_PAGE_SIZE = 10_000
/** KSeF's invoice size limit without an attachment. */
export const MAX_INVOICE_BYTES = 1_000_000
/** KSeF's invoice size limit with an attachment. */
export const MAX_INVOICE_WITH_ATTACHMENT_BYTES = 3_000_000

/** What the processor needs. */
export interface ProcessorDeps {
  readonly db: Database
  readonly clock: Clock
  readonly options: ResolvedOptions
  readonly faults: FaultRegistry
  readonly log: (message: string) => void
}

/**
 * The processor of one simulator.
 *
 * @example
 * ```ts
 * processor.scheduleOnline(record)
 * ```
 */
export class InvoiceProcessor {
  readonly #deps: ProcessorDeps
  readonly #invoices: InvoiceStore
  readonly #sessions: SessionStore
  readonly #timers = new Set<NodeJS.Timeout>()
  readonly #jobs = new Set<Promise<void>>()
  readonly #sleepers = new Set<() => void>()
  #stopped = false

  constructor(deps: ProcessorDeps) {
    this.#deps = deps
    this.#invoices = new InvoiceStore(deps.db)
    this.#sessions = new SessionStore(deps.db)
  }

  /** Whether the processor is stopping (long jobs check it between chunks). */
  get stopped(): boolean {
    return this.#stopped
  }

  /** Runs `fn` after `ms` unless the simulator stops first. */
  later(ms: number, fn: () => void): void {
    if (this.#stopped) return
    const timer = setTimeout(
      () => {
        this.#timers.delete(timer)
        if (this.#stopped) return
        try {
          fn()
        } catch (error) {
          this.#deps.log(`background work failed: ${error instanceof Error ? error.stack : String(error)}`)
        }
      },
      Math.max(0, ms),
    )
    this.#timers.add(timer)
  }

  /** Waits `ms`, or less if the simulator stops meanwhile (jobs check {@link stopped} after waking). */
  sleep(ms: number): Promise<void> {
    if (this.#stopped || ms <= 0) return Promise.resolve()
    return new Promise((resolve) => {
      const wake = () => {
        this.#sleepers.delete(wake)
        resolve()
      }
      this.#sleepers.add(wake)
      this.later(ms, wake)
    })
  }

  /** Tracks a background job so that `stop()` can wait for it. */
  track(job: Promise<void>): void {
    this.#jobs.add(job)
    job.finally(() => this.#jobs.delete(job)).catch(() => {})
  }

  /** How long an invoice received now stays in processing (the configured latency, or a `slow` fault's). */
  processingTime(): { ms: number; slow: boolean } {
    const slow = this.#deps.faults.take('slow')
    if (slow) return { ms: (slow.seconds ?? 30) * 1000, slow: true }
    return { ms: this.#deps.options.processingDelayMs, slow: false }
  }

  /** Schedules an online invoice just accepted (status 100). */
  scheduleOnline(record: InvoiceRecord): void {
    const { ms, slow } = this.processingTime()
    if (slow) this.#invoices.save({ ...record, notBeforeMs: this.#deps.clock.nowMs() + ms })
    this.later(ms / 2, () => this.#markProcessing(record.referenceNumber))
    this.later(ms, () => this.finishOnline(record.referenceNumber))
  }

  #markProcessing(referenceNumber: string): void {
    const record = this.#invoices.get(referenceNumber)
    if (record && record.status.code === 100) this.#invoices.save({ ...record, status: INVOICE_STATUS.processing })
  }

  /** Finishes an online invoice and, if it was the last of a closed session, the session. */
  finishOnline(referenceNumber: string): void {
    const record = this.#invoices.get(referenceNumber)
    if (!record || record.status.code >= 200) return
    const session = record.sessionReference ? this.#sessions.get(record.sessionReference) : undefined
    if (!session) return
    try {
      this.finish(record, session)
    } catch (error) {
      // A bug must not leave the invoice processing forever: it fails with 500, as KSeF's unknown error.
      this.#deps.log(`invoice ${referenceNumber} failed: ${error instanceof Error ? error.stack : String(error)}`)
      this.#invoices.save({ ...record, status: INVOICE_STATUS.unknown('Wystąpił nieoczekiwany błąd przetwarzania.') })
    }
    this.completeOnlineSession(session.referenceNumber)
  }

  /**
   * Decides one invoice's outcome and stores it (in one transaction with the number assignment).
   *
   * @returns the stored record.
   */
  finish(record: InvoiceRecord, session: SessionRecord): InvoiceRecord {
    const { db, clock, options, faults } = this.#deps
    return db.tx(() => {
      const now = clock.now()
      const content = this.#invoices.content(record.referenceNumber)
      let next: InvoiceRecord
      if (record.decryptError || !content) {
        next = { ...record, status: INVOICE_STATUS.decryption('Nie udało się odszyfrować faktury kluczem sesji.') }
      } else if (faults.take('cancel-550')) {
        next = { ...record, status: INVOICE_STATUS.cancelled }
      } else {
        const testdata = new TestDataStore(db)
        const outcome = checkInvoice(content, {
          invoicingDate: new Date(record.invoicingDate),
          context: session.context,
          sessionType: session.type,
          attachmentsAllowed: (nip) => testdata.get('attachment', nip) !== undefined,
          nipChecksums: options.nipChecksums,
          maxBytes: MAX_INVOICE_BYTES,
          maxBytesWithAttachment: MAX_INVOICE_WITH_ATTACHMENT_BYTES,
        })
        const invoice = outcome.invoice
        const known = invoice
          ? {
              invoiceNumber: invoice.details.number,
              invoiceType: invoice.details.type,
              sellerNip: invoice.seller.nip,
              duplicateKey: duplicateKey(invoice).value,
              issueDate: invoice.details.issueDate,
            }
          : {}
        if (!outcome.ok) {
          next = { ...record, ...known, status: outcome.status }
        } else {
          const original = this.#invoices.accepted(duplicateKey(outcome.invoice).value)
          if (original?.ksefNumber) {
            next = {
              ...record,
              ...known,
              status: INVOICE_STATUS.duplicate(original.ksefNumber, original.sessionReference),
            }
          } else {
            next = acceptedRecord({ ...record, ...known }, outcome.invoice, now)
          }
        }
      }
      this.#invoices.save({ ...next, notBeforeMs: undefined })
      return next
    })
  }

  /** Completes a closed online session once no invoice is pending: 200 with UPO pages, 445 or 440. */
  completeOnlineSession(referenceNumber: string): void {
    const session = this.#sessions.get(referenceNumber)
    if (session?.type !== 'Online' || session.status.code !== 170) return
    const counts = this.#invoices.counts(referenceNumber)
    if (counts.pending > 0) return
    const status =
      counts.total === 0
        ? ONLINE_SESSION_STATUS.noInvoices
        : counts.successful === 0
          ? ONLINE_SESSION_STATUS.noValidInvoices
          : ONLINE_SESSION_STATUS.success
    this.completeSession(session, status, counts.successful)
  }

  /** Stores a session's final status and, for 200, its UPO pages. */
  completeSession(session: SessionRecord, status: SessionRecord['status'], successful: number): void {
    const now = this.#deps.clock.now()
    const upoPages: UpoPage[] = []
    if (status.code === 200) {
      for (let from = 1; from <= successful; from += UPO_PAGE_SIZE) {
        upoPages.push({
          referenceNumber: newReferenceNumber('EU', now),
          from,
          to: Math.min(successful, from + UPO_PAGE_SIZE - 1),
        })
      }
    }
    this.#sessions.save({
      ...session,
      status,
      processing: false,
      dateUpdated: now.toISOString(),
      upoPages: status.code === 200 ? upoPages : undefined,
    })
  }

  /** After a restart: reschedules pending online invoices and resumes interrupted batch sessions. */
  resume(startBatch: (session: SessionRecord) => void): void {
    for (const session of this.#sessions.processing()) startBatch(session)
    for (const record of this.#invoices.pending()) {
      const session = record.sessionReference ? this.#sessions.get(record.sessionReference) : undefined
      if (session?.type !== 'Online') continue
      const wait = record.notBeforeMs !== undefined ? record.notBeforeMs - this.#deps.clock.nowMs() : 0
      this.later(wait, () => this.finishOnline(record.referenceNumber))
    }
    for (const session of this.#sessions.withStatus('Online', 170)) this.completeOnlineSession(session.referenceNumber)
  }

  /** Stops: no new work, timers cleared, running jobs awaited. */
  async stop(): Promise<void> {
    this.#stopped = true
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
    for (const wake of [...this.#sleepers]) wake()
    await Promise.allSettled([...this.#jobs])
  }
}

/** Statuses of batch sessions, re-exported for the batch job. */
export { BATCH_SESSION_STATUS }
