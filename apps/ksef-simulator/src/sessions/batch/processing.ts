/**
 * Processing a closed batch session: every part checked (hash) and decrypted, the archive checked (size, hash)
 * and read, each file becoming an invoice of the session, processed independently (one bad invoice does not
 * fail the batch). Work is done in chunks that yield to the event loop, so the simulator keeps answering while
 * a 10,000-invoice batch is processed; an interrupted batch resumes after a restart.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import type { Simulator } from '../../context.ts'
import { newReferenceNumber } from '../../core/reference-number.ts'
import { contextLimits } from '../../limits/session-limits.ts'
import { MAX_INVOICE_WITH_ATTACHMENT_BYTES } from '../../processing/processor.ts'
import { BATCH_SESSION_STATUS, INVOICE_STATUS } from '../../processing/statuses.ts'
import { decryptAes } from '../../security/aes.ts'
import { type InvoiceRecord, InvoiceStore } from '../../store/invoice-store.ts'
import { type SessionRecord, SessionStore, type Status } from '../../store/session-store.ts'
import { contextKey } from '../session-lookup.ts'
import { ArchiveError, readArchive } from './archive.ts'

const CHUNK = 200
/** Longest stretch of processing between two yields to the event loop. */
const SLICE_MS = 40
/** Uncompressed archive content the simulator holds at once. */
const MAX_TOTAL_BYTES = 1_500_000_000

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64')

function sleep(sim: Simulator, ms: number): Promise<void> {
  return sim.processor.sleep(ms)
}

/** Fails a session before any invoice is read. */
function fail(sim: Simulator, session: SessionRecord, status: Status): void {
  sim.processor.completeSession(session, status, 0)
}

/** Decrypts and reads the archive into invoice records (status 100); returns a session failure if any. */
async function unpack(sim: Simulator, session: SessionRecord): Promise<Status | undefined> {
  const store = new SessionStore(sim.db)
  const file = session.batchFile
  if (!file || !session.symmetricKey || !session.iv) return BATCH_SESSION_STATUS.keyError
  const plainParts: Buffer[] = []
  for (const part of [...file.fileParts].sort((a, b) => a.ordinalNumber - b.ordinalNumber)) {
    const encrypted = store.part(session.referenceNumber, part.ordinalNumber)
    if (!encrypted) return BATCH_SESSION_STATUS.packageError(`Brak części ${part.ordinalNumber} paczki.`)
    if (sha256(encrypted) !== part.fileHash) {
      return BATCH_SESSION_STATUS.packageError(`Skrót części ${part.ordinalNumber} nie zgadza się z zadeklarowanym.`)
    }
    const plain = decryptAes(session.symmetricKey, session.iv, encrypted)
    if (!plain) return BATCH_SESSION_STATUS.partDecryption(`Nie udało się odszyfrować części ${part.ordinalNumber}.`)
    plainParts.push(plain)
  }
  const archive = Buffer.concat(plainParts)
  if (archive.length !== file.fileSize) {
    return BATCH_SESSION_STATUS.packageError(
      `Rozmiar paczki ${archive.length} B nie zgadza się z zadeklarowanym ${file.fileSize} B.`,
    )
  }
  if (sha256(archive) !== file.fileHash)
    return BATCH_SESSION_STATUS.packageError('Skrót paczki nie zgadza się z zadeklarowanym.')
  const maxInvoices = contextLimits(sim, contextKey(session.context)).batchSession.maxInvoices
  let entries: Awaited<ReturnType<typeof readArchive>>
  try {
    entries = await readArchive(archive, file.compressionType === 'TarGz' ? 'TarGz' : 'Zip', {
      maxEntryBytes: MAX_INVOICE_WITH_ATTACHMENT_BYTES,
      maxTotalBytes: MAX_TOTAL_BYTES,
      maxEntries: maxInvoices + 1,
    })
  } catch (error) {
    if (error instanceof ArchiveError && /więcej niż/.test(error.message)) {
      return BATCH_SESSION_STATUS.tooManyInvoices(`Paczka zawiera więcej niż ${maxInvoices} faktur.`)
    }
    return BATCH_SESSION_STATUS.decompression(error instanceof Error ? error.message : 'Nieprawidłowe archiwum.')
  }
  if (entries.length === 0) return BATCH_SESSION_STATUS.noInvoices
  if (entries.length > maxInvoices)
    return BATCH_SESSION_STATUS.tooManyInvoices(`Paczka zawiera ${entries.length} faktur; limit ${maxInvoices}.`)
  const invoices = new InvoiceStore(sim.db)
  const now = sim.clock.now()
  for (let start = 0; start < entries.length; start += 500) {
    sim.db.tx(() => {
      entries.slice(start, start + 500).forEach((entry, index) => {
        const bytes = 'bytes' in entry ? entry.bytes : new Uint8Array(0)
        const record: InvoiceRecord = {
          referenceNumber: newReferenceNumber('EE', now),
          sessionReference: session.referenceNumber,
          ordinal: start + index + 1,
          status: 'problem' in entry ? INVOICE_STATUS.file([entry.problem]) : INVOICE_STATUS.accepted,
          invoiceHash: sha256(bytes),
          invoiceSize: bytes.length,
          fileName: entry.name.slice(-128),
          invoiceNumber: undefined,
          invoiceType: undefined,
          sellerNip: undefined,
          buyerNip: undefined,
          thirdPartyNips: [],
          authorizedNip: undefined,
          duplicateKey: undefined,
          ksefNumber: undefined,
          invoicingDate: session.dateCreated,
          acquisitionDate: undefined,
          permanentStorageDate: undefined,
          issueDate: undefined,
          invoicingMode: undefined,
          offlineMode: session.offlineMode,
          hashOfCorrectedInvoice: undefined,
          metadata: undefined,
          decryptError: false,
          notBeforeMs: undefined,
        }
        invoices.save(record, bytes)
      })
    })
    await yieldToEventLoop()
  }
  store.dropParts(session.referenceNumber)
  return undefined
}

function finishOne(sim: Simulator, invoices: InvoiceStore, record: InvoiceRecord, session: SessionRecord): void {
  try {
    sim.processor.finish(record, session)
  } catch (error) {
    sim.log(`invoice ${record.referenceNumber} failed: ${error instanceof Error ? error.stack : String(error)}`)
    invoices.save({ ...record, status: INVOICE_STATUS.unknown('Wystąpił nieoczekiwany błąd przetwarzania.') })
  }
}

async function run(sim: Simulator, referenceNumber: string): Promise<void> {
  const sessions = new SessionStore(sim.db)
  const invoices = new InvoiceStore(sim.db)
  await sleep(sim, sim.options.processingDelayMs / 2)
  const session = sessions.get(referenceNumber)
  if (!session || sim.processor.stopped) return
  if (invoices.counts(referenceNumber).total === 0) {
    const failure = await unpack(sim, session)
    if (failure) return fail(sim, session, failure)
  }
  const { ms } = sim.processor.processingTime()
  sim.db.run(
    'UPDATE invoices SET status_code = 150, status_description = ? WHERE session_reference = ? AND status_code = 100',
    INVOICE_STATUS.processing.description,
    referenceNumber,
  )
  await sleep(sim, ms - sim.options.processingDelayMs / 2)
  if (sim.processor.stopped) return
  for (;;) {
    if (sim.processor.stopped) return
    const current = sessions.get(referenceNumber) ?? session
    const pending = invoices.inSessionPending(referenceNumber, CHUNK)
    if (pending.length === 0) break
    // One transaction per slice of work, and a yield to the event loop at least every SLICE_MS, so status
    // requests are answered while a large batch is processed.
    let index = 0
    while (index < pending.length) {
      const started = performance.now()
      sim.db.tx(() => {
        // At least one invoice per slice, however slow, so the loop always advances.
        do {
          finishOne(sim, invoices, pending[index] as InvoiceRecord, current)
          index++
        } while (index < pending.length && performance.now() - started < SLICE_MS)
      })
      if (index < pending.length) {
        await yieldToEventLoop()
        if (sim.processor.stopped) return
      }
    }
    await yieldToEventLoop()
  }
  if (sim.options.sessionCompletionDelayMs > 0) {
    await sleep(sim, sim.options.sessionCompletionDelayMs)
    if (sim.processor.stopped) return
  }
  const counts = invoices.counts(referenceNumber)
  sim.processor.completeSession(
    session,
    counts.successful > 0 ? BATCH_SESSION_STATUS.success : BATCH_SESSION_STATUS.noValidInvoices,
    counts.successful,
  )
}

/**
 * Starts (or resumes) processing a closed batch session in the background.
 *
 * @example
 * ```ts
 * startBatchProcessing(sim, session.referenceNumber)
 * ```
 */
export function startBatchProcessing(sim: Simulator, referenceNumber: string): void {
  sim.processor.track(
    run(sim, referenceNumber).catch((error: unknown) => {
      sim.log(`batch ${referenceNumber} failed: ${error instanceof Error ? error.stack : String(error)}`)
      const session = new SessionStore(sim.db).get(referenceNumber)
      if (session) fail(sim, session, { code: 500, description: 'Nieznany błąd (500)' })
    }),
  )
}
