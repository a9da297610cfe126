/**
 * The batch package: a ZIP of invoice files built in a stream (yazl, on Node's native zlib), split binary into parts of at most
 * 100 MB before encryption, each part encrypted on its own with the session key and IV, with the sizes and
 * hashes KSeF wants declared when the session opens (FACTS.md §5).
 *
 * @module
 */
import { createHash, type Hash } from 'node:crypto'
import { closeSync, openSync, writeSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { sha256Base64 } from '@ksef-hub/fa3'
import { ZipFile } from 'yazl'
import { aesEncryptor, type SessionKey } from '../crypto/aes.ts'
import { KsefPermanentError } from '../errors/ksef-error.ts'

/** One invoice to put in a batch. */
export interface BatchInvoice {
  /** The file name inside the archive (KSeF reports it back as `invoiceFileName`). */
  readonly fileName: string
  /** The exact XML bytes. */
  readonly bytes: Uint8Array
}

/** One encrypted part, ready to upload: in memory, or in a file when the package spills to disk. */
export interface BatchPart {
  readonly ordinalNumber: number
  /** Bytes of the archive in this part, before encryption. */
  readonly plainSize: number
  readonly encryptedSize: number
  readonly encryptedHash: string
  /** The encrypted bytes, when kept in memory. */
  readonly encrypted?: Buffer
  /** The file holding the encrypted bytes, when `partDirectory` was given. */
  readonly file?: string
}

/** One file of the package, for correlating KSeF's per-invoice results. */
export interface BatchFileEntry {
  readonly fileName: string
  readonly invoiceHash: string
  readonly size: number
}

/** A package ready for `POST /sessions/batch`. */
export interface BatchPackage {
  /** Size of the whole unencrypted archive. */
  readonly fileSize: number
  /** SHA-256 (Base64) of the whole unencrypted archive. */
  readonly fileHash: string
  readonly parts: readonly BatchPart[]
  readonly files: readonly BatchFileEntry[]
}

/** KSeF's package limits, adjustable for tests. */
export interface BatchPackageLimits {
  /** Per part before encryption; 100,000,000 bytes. */
  readonly maxPartBytes?: number
  /** 50 parts. */
  readonly maxParts?: number
  /** 5,000,000,000 bytes for the whole archive. */
  readonly maxTotalBytes?: number
  /** 10,000 invoices. */
  readonly maxInvoices?: number
  /**
   * Write the encrypted parts to files in this directory instead of memory (for packages of hundreds of MB; the
   * caller removes the files, e.g. with {@link removeBatchPartFiles}).
   */
  readonly partDirectory?: string
  /** Deflate level 0..9; 6 by default. */
  readonly compressionLevel?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9
}

class PartWriter {
  readonly parts: BatchPart[] = []
  readonly #key: SessionKey
  readonly #maxPartBytes: number
  readonly #directory: string | undefined
  #cipher: ReturnType<typeof aesEncryptor> | undefined
  #hash: Hash | undefined
  #chunks: Buffer[] = []
  #fd: number | undefined
  #plainSize = 0
  #encryptedSize = 0

  constructor(key: SessionKey, maxPartBytes: number, directory: string | undefined) {
    this.#key = key
    this.#maxPartBytes = maxPartBytes
    this.#directory = directory
  }

  write(chunk: Uint8Array): void {
    let offset = 0
    while (offset < chunk.length) {
      if (!this.#cipher) {
        this.#cipher = aesEncryptor(this.#key)
        this.#hash = createHash('sha256')
        this.#chunks = []
        this.#plainSize = 0
        this.#encryptedSize = 0
        if (this.#directory) this.#fd = openSync(this.#path(this.parts.length + 1), 'w')
      }
      const take = Math.min(chunk.length - offset, this.#maxPartBytes - this.#plainSize)
      this.#emit(this.#cipher.update(chunk.subarray(offset, offset + take)))
      this.#plainSize += take
      offset += take
      if (this.#plainSize === this.#maxPartBytes) this.finish()
    }
  }

  finish(): void {
    if (!this.#cipher || !this.#hash) return
    this.#emit(this.#cipher.final())
    const ordinalNumber = this.parts.length + 1
    const common = {
      ordinalNumber,
      plainSize: this.#plainSize,
      encryptedSize: this.#encryptedSize,
      encryptedHash: this.#hash.digest('base64'),
    }
    if (this.#fd !== undefined) {
      closeSync(this.#fd)
      this.#fd = undefined
      this.parts.push({ ...common, file: this.#path(ordinalNumber) })
    } else {
      this.parts.push({ ...common, encrypted: Buffer.concat(this.#chunks) })
    }
    this.#cipher = undefined
    this.#hash = undefined
    this.#chunks = []
  }

  #path(ordinalNumber: number): string {
    return join(this.#directory ?? '.', `part-${String(ordinalNumber).padStart(2, '0')}.zip.aes`)
  }

  #emit(bytes: Buffer): void {
    if (bytes.length === 0) return
    this.#hash?.update(bytes)
    this.#encryptedSize += bytes.length
    if (this.#fd !== undefined) writeSync(this.#fd, bytes)
    else this.#chunks.push(bytes)
  }
}

/**
 * Deletes the part files of a package built with `partDirectory`.
 *
 * @example
 * ```ts
 * await removeBatchPartFiles(pkg)
 * ```
 */
export async function removeBatchPartFiles(pkg: Pick<BatchPackage, 'parts'>): Promise<void> {
  await Promise.all(pkg.parts.map((part) => (part.file ? rm(part.file, { force: true }) : undefined)))
}

function tooBig(message: string): KsefPermanentError {
  return new KsefPermanentError({ code: 'BATCH_LIMIT', operation: 'buildBatchPackage', message })
}

/**
 * Builds, splits and encrypts a batch package in one pass over the invoices.
 *
 * @example
 * ```ts
 * const pkg = await buildBatchPackage(invoices, createSessionKey())
 * pkg.parts.length // 1 for anything under 100 MB zipped
 * ```
 */
export async function buildBatchPackage(
  invoices: Iterable<BatchInvoice> | AsyncIterable<BatchInvoice>,
  key: SessionKey,
  limits: BatchPackageLimits = {},
): Promise<BatchPackage> {
  const maxPartBytes = limits.maxPartBytes ?? 100_000_000
  const maxParts = limits.maxParts ?? 50
  const maxTotalBytes = limits.maxTotalBytes ?? 5_000_000_000
  const maxInvoices = limits.maxInvoices ?? 10_000
  const writer = new PartWriter(key, maxPartBytes, limits.partDirectory)
  const whole = createHash('sha256')
  let fileSize = 0
  const zip = new ZipFile()
  const level = limits.compressionLevel ?? 6
  // The archive streams out while invoices go in: each chunk is hashed, split and encrypted at once.
  const consumed = (async () => {
    for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) {
      whole.update(chunk)
      fileSize += chunk.length
      writer.write(chunk)
    }
  })()
  const files: BatchFileEntry[] = []
  const names = new Set<string>()
  const mtime = new Date()
  try {
    for await (const invoice of invoices) {
      if (files.length >= maxInvoices) throw tooBig(`a batch holds at most ${maxInvoices} invoices`)
      if (names.has(invoice.fileName)) throw tooBig(`file name ${invoice.fileName} appears twice in the batch`)
      names.add(invoice.fileName)
      const bytes = Buffer.from(invoice.bytes.buffer, invoice.bytes.byteOffset, invoice.bytes.byteLength)
      zip.addBuffer(bytes, invoice.fileName, { compress: level > 0, compressionLevel: level, mtime })
      files.push({ fileName: invoice.fileName, invoiceHash: sha256Base64(invoice.bytes), size: invoice.bytes.length })
      if (fileSize > maxTotalBytes) throw tooBig(`the archive passed ${maxTotalBytes} bytes`)
    }
    if (files.length === 0) throw tooBig('a batch needs at least one invoice')
  } finally {
    zip.end()
    await consumed
  }
  if (fileSize > maxTotalBytes) throw tooBig(`the archive passed ${maxTotalBytes} bytes`)
  writer.finish()
  if (writer.parts.length > maxParts) {
    throw tooBig(`the archive needs ${writer.parts.length} parts of ${maxPartBytes} bytes; at most ${maxParts} allowed`)
  }
  return { fileSize, fileHash: whole.digest('base64'), parts: writer.parts, files }
}

/**
 * The `batchFile` object of `POST /sessions/batch`.
 *
 * @example
 * ```ts
 * const batchFile = batchFileInfo(pkg)
 * ```
 */
export function batchFileInfo(pkg: BatchPackage): {
  fileSize: number
  fileHash: string
  fileParts: { ordinalNumber: number; fileSize: number; fileHash: string }[]
} {
  return {
    fileSize: pkg.fileSize,
    fileHash: pkg.fileHash,
    fileParts: pkg.parts.map((part) => ({
      ordinalNumber: part.ordinalNumber,
      fileSize: part.encryptedSize,
      fileHash: part.encryptedHash,
    })),
  }
}
