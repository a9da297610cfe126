/**
 * Exports: KSeF packs the invoices matching a filter into an encrypted ZIP, split into parts of at most 50 MB.
 * The client starts the export with its own AES key, waits, downloads the parts without the token, checks both
 * hashes of each part, decrypts, joins them in order and unpacks the `{ksefNumber}.xml` files and
 * `_metadata.json`. Also the incremental rule: the next window starts at `lastPermanentStorageDate` when the
 * package was truncated, else at `permanentStorageHwmDate`.
 *
 * @module
 */
import { sha256Base64 } from '@ksef-hub/fa3'
import { unzipSync } from 'fflate'
import { aesDecrypt, createSessionKey, type SessionKey } from '../crypto/aes.ts'
import { encryptionInfo } from '../crypto/encryption.ts'
import type { PublicKeyCache } from '../crypto/public-keys.ts'
import { isKsefError, KsefPermanentError, KsefTransientError, makeKsefError } from '../errors/ksef-error.ts'
import type { CallOptions, KsefHttp } from '../http/ksef-http.ts'
import { OPERATIONS } from '../http/operations.ts'
import { type PollOptions, pollUntil } from '../sessions/polling.ts'
import { type InvoiceMetadata, type InvoiceQueryFilters, parseJsonWithAmounts } from './metadata.ts'

/** `InvoicePackagePart`. */
export interface ExportPart {
  readonly ordinalNumber: number
  readonly partName: string
  readonly method: string
  readonly url: string
  readonly partSize: number
  readonly partHash: string
  readonly encryptedPartSize: number
  readonly encryptedPartHash: string
  readonly expirationDate: string
}

/** `InvoicePackage`. */
export interface ExportPackage {
  readonly invoiceCount: number
  readonly size: number
  readonly parts: readonly ExportPart[]
  readonly isTruncated: boolean
  readonly lastIssueDate?: string | null
  readonly lastInvoicingDate?: string | null
  readonly lastPermanentStorageDate?: string | null
  readonly permanentStorageHwmDate?: string | null
}

/** `InvoiceExportStatusResponse`. */
export interface ExportStatus {
  readonly status: { readonly code: number; readonly description: string; readonly details?: readonly string[] | null }
  readonly completedDate?: string | null
  readonly packageExpirationDate?: string | null
  readonly package?: ExportPackage | null
}

/** A started export. The key is secret: keep it until the package is downloaded. */
export interface StartedExport {
  readonly referenceNumber: string
  readonly key: SessionKey
}

/** Options of an export. */
export interface ExportOptions extends CallOptions {
  /** Only `_metadata.json`, no invoice files. */
  readonly onlyMetadata?: boolean
}

/**
 * `POST /invoices/exports` with a fresh key; 21470 refetches the Ministry's keys and starts once more.
 *
 * @example
 * ```ts
 * const started = await startExport(http, keys, filters)
 * ```
 */
export async function startExport(
  http: KsefHttp,
  keys: PublicKeyCache,
  filters: InvoiceQueryFilters,
  options: ExportOptions = {},
): Promise<StartedExport> {
  const key = createSessionKey()
  for (let attempt = 1; ; attempt += 1) {
    const mfKey = await keys.get('SymmetricKeyEncryption', options)
    try {
      const response = await http.call(OPERATIONS.startExport, {
        ...options,
        json: { encryption: encryptionInfo(key, mfKey), filters, onlyMetadata: options.onlyMetadata ?? false },
      })
      const { referenceNumber } = http.json<{ referenceNumber: string }>(response, OPERATIONS.startExport)
      return { referenceNumber, key }
    } catch (error) {
      if (attempt === 1 && isKsefError(error) && error.code === '21470') {
        keys.invalidate()
        continue
      }
      throw error
    }
  }
}

/**
 * Polls an export until it is ready (200). 210 (expired), 415 (key), 500, 550 are transient (export again); 420
 * (range beyond the high-water mark) is permanent for these filters.
 *
 * @example
 * ```ts
 * const status = await waitForExport(http, started.referenceNumber, { maxWaitMs: 600_000 })
 * ```
 */
export async function waitForExport(
  http: KsefHttp,
  referenceNumber: string,
  options: PollOptions = {},
): Promise<ExportStatus> {
  const status = await pollUntil(
    async () => {
      const response = await http.call(OPERATIONS.exportStatus, { ...options, pathParams: { referenceNumber } })
      return http.json<ExportStatus>(response, OPERATIONS.exportStatus)
    },
    (value) => value.status.code !== 100,
    options,
    `export ${referenceNumber}`,
  )
  if (status.status.code === 200) return status
  const errorClass = status.status.code === 420 ? 'permanent' : 'transient'
  throw makeKsefError(errorClass, {
    code: String(status.status.code),
    ksefCode: status.status.code,
    operation: 'exportStatus',
    referenceNumber,
    details: status.status.details ?? [],
    message: `export ${referenceNumber}: ${status.status.code} ${status.status.description}`,
  })
}

/** An unpacked export. */
export interface ExportContents {
  readonly invoices: readonly { readonly fileName: string; readonly ksefNumber: string; readonly bytes: Uint8Array }[]
  /** `_metadata.json`, when present. */
  readonly metadata: readonly InvoiceMetadata[] | undefined
  readonly package: ExportPackage
}

/**
 * Downloads, verifies, decrypts, joins and unpacks a ready package.
 *
 * @example
 * ```ts
 * const contents = await downloadExport(http, status.package!, started.key)
 * ```
 */
export async function downloadExport(
  http: KsefHttp,
  pkg: ExportPackage,
  key: SessionKey,
  options: CallOptions = {},
): Promise<ExportContents> {
  const ordered = [...pkg.parts].sort((a, b) => a.ordinalNumber - b.ordinalNumber)
  const plainParts: Buffer[] = []
  for (const part of ordered) {
    const response = await http.callUrl('downloadExportPart', part.method || 'GET', part.url, {
      ...options,
      idempotent: true,
    })
    if (response.body.length !== part.encryptedPartSize || sha256Base64(response.body) !== part.encryptedPartHash) {
      throw new KsefTransientError({
        code: 'HASH_MISMATCH',
        operation: 'downloadExportPart',
        message: `export part ${part.ordinalNumber}: size or hash differs from the package description: download again`,
      })
    }
    let plain: Buffer
    try {
      plain = aesDecrypt(key, response.body)
    } catch (error) {
      throw new KsefPermanentError({
        code: 'DECRYPTION_FAILED',
        operation: 'downloadExportPart',
        message: `export part ${part.ordinalNumber} does not decrypt with the export key`,
        cause: error,
      })
    }
    if (plain.length !== part.partSize || sha256Base64(plain) !== part.partHash) {
      throw new KsefPermanentError({
        code: 'HASH_MISMATCH',
        operation: 'downloadExportPart',
        message: `export part ${part.ordinalNumber}: decrypted size or hash differs from the package description`,
      })
    }
    plainParts.push(plain)
  }
  if (plainParts.length === 0) return { invoices: [], metadata: [], package: pkg }
  let files: Record<string, Uint8Array>
  try {
    files = unzipSync(Buffer.concat(plainParts))
  } catch (error) {
    throw new KsefPermanentError({
      code: 'ARCHIVE_UNREADABLE',
      operation: 'downloadExport',
      message: 'export package is not a readable ZIP',
      cause: error,
    })
  }
  const invoices: { fileName: string; ksefNumber: string; bytes: Uint8Array }[] = []
  let metadata: InvoiceMetadata[] | undefined
  for (const [fileName, bytes] of Object.entries(files)) {
    if (fileName === '_metadata.json') {
      metadata = parseJsonWithAmounts<{ invoices: InvoiceMetadata[] }>(Buffer.from(bytes).toString('utf8')).invoices
    } else if (fileName.endsWith('.xml')) {
      invoices.push({ fileName, ksefNumber: fileName.replace(/^.*\//, '').replace(/\.xml$/, ''), bytes })
    }
  }
  return { invoices, metadata, package: pkg }
}

/**
 * Where the next incremental window starts: the last permanent-storage date of a truncated package, else the
 * high-water mark (FACTS.md §8). Undefined when KSeF gave neither (keep the current `from`).
 *
 * @example
 * ```ts
 * const nextFrom = nextIncrementalFrom(contents.package) ?? currentFrom
 * ```
 */
export function nextIncrementalFrom(pkg: ExportPackage): string | undefined {
  if (pkg.isTruncated) return pkg.lastPermanentStorageDate ?? undefined
  return pkg.permanentStorageHwmDate ?? undefined
}

/**
 * Start, wait for, download and unpack one export.
 *
 * @example
 * ```ts
 * const contents = await exportInvoices(http, keys, { subjectType: 'Subject2', dateRange: { dateType: 'PermanentStorage', from } })
 * ```
 */
export async function exportInvoices(
  http: KsefHttp,
  keys: PublicKeyCache,
  filters: InvoiceQueryFilters,
  options: ExportOptions & PollOptions = {},
): Promise<ExportContents & { referenceNumber: string }> {
  const started = await startExport(http, keys, filters, options)
  const status = await waitForExport(http, started.referenceNumber, options)
  const pkg = status.package ?? { invoiceCount: 0, size: 0, parts: [], isTruncated: false }
  const contents = await downloadExport(http, pkg, started.key, options)
  return { ...contents, referenceNumber: started.referenceNumber }
}
