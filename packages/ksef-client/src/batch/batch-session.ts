/**
 * A batch session end to end: package, open (declaring parts), upload the parts in parallel to their pre-signed
 * URLs without the bearer token, close, then read every invoice's result from both lists.
 *
 * @module
 */
import { createReadStream } from 'node:fs'
import { createSessionKey, type SessionKey } from '../crypto/aes.ts'
import { encryptionInfo } from '../crypto/encryption.ts'
import type { PublicKeyCache } from '../crypto/public-keys.ts'
import { classifySessionStatus } from '../errors/ksef-codes.ts'
import { isKsefError, type KsefError, makeKsefError } from '../errors/ksef-error.ts'
import type { CallOptions, KsefHttp } from '../http/ksef-http.ts'
import { OPERATIONS } from '../http/operations.ts'
import { FA3_FORM, type FormCode } from '../sessions/form-code.ts'
import { type PollOptions, waitForSession } from '../sessions/polling.ts'
import {
  type InvoiceOutcome,
  invoiceOutcome,
  type ListOptions,
  type SessionStatus,
  sessionInvoiceResults,
} from '../sessions/status.ts'
import {
  type BatchFileEntry,
  type BatchInvoice,
  type BatchPackage,
  type BatchPackageLimits,
  batchFileInfo,
  buildBatchPackage,
  removeBatchPartFiles,
} from './batch-package.ts'

/** Options of {@link sendBatch}. */
export interface SendBatchOptions extends CallOptions, BatchPackageLimits {
  readonly formCode?: FormCode
  /** Every invoice of the batch was issued offline. */
  readonly offlineMode?: boolean
  /** Parts uploaded at once; 4 by default. */
  readonly uploadConcurrency?: number
  /** Time for one part upload; 10 minutes by default. */
  readonly uploadTimeoutMs?: number
  /**
   * Called once the session is open, before any part is uploaded: a caller that must survive a crash records the
   * reference number here (from then on the batch can be found in KSeF). If it throws, nothing is uploaded.
   */
  readonly onOpened?: (referenceNumber: string) => Promise<void> | void
}

/**
 * Closes a batch session whose parts are all uploaded (e.g. again, after the close of {@link sendBatch} failed
 * with a transient error: KSeF then keeps the session open for another try).
 *
 * @example
 * ```ts
 * await closeBatchSession(http, error.referenceNumber)
 * ```
 */
export async function closeBatchSession(
  http: KsefHttp,
  referenceNumber: string,
  options: CallOptions = {},
): Promise<void> {
  await http.call(OPERATIONS.closeBatchSession, { ...options, pathParams: { referenceNumber } })
  http.logger.info({ sessionReferenceNumber: referenceNumber }, 'batch session closed')
}

/** A batch that KSeF accepted for processing. */
export interface BatchSubmission {
  readonly referenceNumber: string
  readonly files: readonly BatchFileEntry[]
  readonly partCount: number
  /** Size of the unencrypted archive. */
  readonly archiveSize: number
}

interface PartUploadRequest {
  readonly ordinalNumber: number
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string | null>>
}

async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0
  const runners = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next]
      next += 1
      if (item !== undefined) await work(item)
    }
  })
  await Promise.all(runners)
}

/**
 * Builds, opens, uploads and closes a batch. Errors after the session opened carry its `referenceNumber`:
 * an upload failure leaves a session KSeF will cancel (safe to send the invoices again in a new batch); an
 * ambiguous close must be reconciled with {@link waitForBatch} before anything is sent again.
 *
 * @example
 * ```ts
 * const submission = await sendBatch(http, keys, invoices)
 * const results = await batchResults(http, submission)
 * ```
 */
export async function sendBatch(
  http: KsefHttp,
  keys: PublicKeyCache,
  invoices: Iterable<BatchInvoice> | AsyncIterable<BatchInvoice>,
  options: SendBatchOptions = {},
): Promise<BatchSubmission> {
  const key = createSessionKey()
  const pkg = await buildBatchPackage(invoices, key, options)
  try {
    return await openUploadClose(http, keys, key, pkg, options)
  } finally {
    await removeBatchPartFiles(pkg)
  }
}

async function openUploadClose(
  http: KsefHttp,
  keys: PublicKeyCache,
  key: SessionKey,
  pkg: BatchPackage,
  options: SendBatchOptions,
): Promise<BatchSubmission> {
  let opened: { referenceNumber: string; partUploadRequests: PartUploadRequest[] } | undefined
  for (let attempt = 1; !opened; attempt += 1) {
    const mfKey = await keys.get('SymmetricKeyEncryption', options)
    try {
      const response = await http.call(OPERATIONS.openBatchSession, {
        ...options,
        json: {
          formCode: options.formCode ?? FA3_FORM,
          batchFile: batchFileInfo(pkg),
          encryption: encryptionInfo(key, mfKey),
          offlineMode: options.offlineMode ?? false,
        },
      })
      opened = http.json(response, OPERATIONS.openBatchSession)
    } catch (error) {
      if (attempt === 1 && isKsefError(error) && error.code === '21470') {
        keys.invalidate()
        continue
      }
      throw error
    }
  }
  const referenceNumber = opened.referenceNumber
  http.logger.info(
    {
      sessionReferenceNumber: referenceNumber,
      parts: pkg.parts.length,
      invoices: pkg.files.length,
      archiveSize: pkg.fileSize,
    },
    'batch session opened',
  )
  try {
    await options.onOpened?.(referenceNumber)
    const requests = new Map(opened.partUploadRequests.map((request) => [request.ordinalNumber, request]))
    await inParallel(pkg.parts, options.uploadConcurrency ?? 4, async (part) => {
      const request = requests.get(part.ordinalNumber)
      if (!request) {
        throw makeKsefError('permanent', {
          code: 'NO_UPLOAD_URL',
          message: `KSeF gave no upload URL for part ${part.ordinalNumber}`,
        })
      }
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(request.headers ?? {})) if (value !== null) headers[name] = value
      // Re-uploading a part overwrites it: the upload is idempotent.
      const file = part.file
      const body = file
        ? { length: part.encryptedSize, open: () => createReadStream(file) }
        : (part.encrypted ?? Buffer.alloc(0))
      await http.callUrl('uploadBatchPart', request.method, request.url, {
        headers,
        body,
        idempotent: true,
        timeoutMs: options.uploadTimeoutMs ?? 600_000,
        ...(options.signal ? { signal: options.signal } : {}),
      })
    })
    await http.call(OPERATIONS.closeBatchSession, { ...options, pathParams: { referenceNumber } })
  } catch (error) {
    if (isKsefError(error)) throw error.withReference(referenceNumber)
    throw error
  }
  http.logger.info({ sessionReferenceNumber: referenceNumber }, 'batch session closed')
  return { referenceNumber, files: pkg.files, partCount: pkg.parts.length, archiveSize: pkg.fileSize }
}

/**
 * Waits until KSeF has processed a batch (status 200 or a failure of the whole package, which is thrown).
 *
 * @example
 * ```ts
 * const status = await waitForBatch(http, submission.referenceNumber, { maxWaitMs: 600_000 })
 * ```
 */
export async function waitForBatch(
  http: KsefHttp,
  referenceNumber: string,
  options: PollOptions = {},
): Promise<SessionStatus> {
  const status = await waitForSession(http, 'batch', referenceNumber, options)
  const state = classifySessionStatus('batch', status.status.code)
  if (state === 'processed') return status
  const details = status.status.details ?? []
  throw makeKsefError(state === 'open' || state === 'processing' ? 'transient' : state, {
    code: String(status.status.code),
    ksefCode: status.status.code,
    operation: 'sessionStatus',
    details,
    referenceNumber,
    message: `batch ${referenceNumber}: ${status.status.code} ${status.status.description}${details.length ? ` (${details.join('; ')})` : ''}`,
  })
}

/** One file's result. */
export interface BatchInvoiceResult {
  readonly fileName: string
  readonly invoiceHash: string
  /** KSeF's verdict on this file; undefined when KSeF did not report it (then see `error`). */
  readonly outcome: InvoiceOutcome | undefined
  /** Why there is no outcome: the failure of the whole session, or `NOT_REPORTED`. */
  readonly error?: KsefError
}

/**
 * Waits for a batch and pairs every file with its outcome (matched by file name, else by hash). A session that
 * failed as a whole (e.g. 445, no valid invoices: every one was a duplicate or invalid) still has per-invoice
 * statuses: they are read and returned; files KSeF did not report carry the session's error.
 *
 * @example
 * ```ts
 * for (const result of await batchResults(http, submission)) console.log(result.fileName, result.outcome?.kind)
 * ```
 */
export async function batchResults(
  http: KsefHttp,
  submission: Pick<BatchSubmission, 'referenceNumber' | 'files'>,
  options: PollOptions & ListOptions = {},
): Promise<BatchInvoiceResult[]> {
  let sessionError: KsefError | undefined
  try {
    await waitForBatch(http, submission.referenceNumber, options)
  } catch (error) {
    // Still pending, or the call failed: nothing more to read now.
    if (!isKsefError(error) || error.operation !== 'sessionStatus' || error.ksefCode === undefined) throw error
    sessionError = error
  }
  const statuses = await sessionInvoiceResults(http, submission.referenceNumber, options)
  if (sessionError && statuses.length === 0) throw sessionError
  const byName = new Map(
    statuses.filter((status) => status.invoiceFileName).map((status) => [status.invoiceFileName, status]),
  )
  const byHash = new Map<string, (typeof statuses)[number][]>()
  for (const status of statuses) byHash.set(status.invoiceHash, [...(byHash.get(status.invoiceHash) ?? []), status])
  return submission.files.map((file) => {
    const status = byName.get(file.fileName) ?? byHash.get(file.invoiceHash)?.shift()
    if (status) return { fileName: file.fileName, invoiceHash: file.invoiceHash, outcome: invoiceOutcome(status) }
    const error =
      sessionError ??
      makeKsefError('transient', {
        code: 'NOT_REPORTED',
        referenceNumber: submission.referenceNumber,
        message: `batch ${submission.referenceNumber}: KSeF reported no status for ${file.fileName}`,
      })
    return { fileName: file.fileName, invoiceHash: file.invoiceHash, outcome: undefined, error }
  })
}
