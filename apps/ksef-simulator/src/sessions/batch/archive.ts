/**
 * Reading batch archives (ZIP, or tar.gz since API 2.6.0) defensively: sizes are capped per entry and in total
 * before anything is inflated, so a decompression bomb costs at most the caps, never the process.
 *
 * @module
 */
import { Readable } from 'node:stream'
import { gunzipSync } from 'node:zlib'
import { unzipSync } from 'fflate'
import { extract } from 'tar-stream'

/** One file of the archive, or why it could not be taken. */
export type ArchiveEntry = { name: string; bytes: Uint8Array } | { name: string; problem: string }

/**
 * The archive as a whole could not be read (the session fails with 430, or 420 for too many files).
 *
 * @example
 * ```ts
 * if (error instanceof ArchiveError) return BATCH_SESSION_STATUS.decompression(error.message)
 * ```
 */
export class ArchiveError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ArchiveError'
  }
}

/** Caps of one read. */
export interface ArchiveLimits {
  /** Largest entry (KSeF: 3,000,000 bytes, an invoice with an attachment). */
  readonly maxEntryBytes: number
  /** Largest sum of all entries, uncompressed. */
  readonly maxTotalBytes: number
  /** Most entries read (more than KSeF's 10,000 is refused later anyway). */
  readonly maxEntries: number
}

function isDirectory(name: string): boolean {
  return name.endsWith('/')
}

function readZip(data: Uint8Array, limits: ArchiveLimits): ArchiveEntry[] {
  const tooLarge: ArchiveEntry[] = []
  let total = 0
  let count = 0
  let files: Record<string, Uint8Array>
  try {
    files = unzipSync(data, {
      filter: (file) => {
        if (isDirectory(file.name)) return false
        count++
        if (count > limits.maxEntries) throw new ArchiveError(`archiwum zawiera więcej niż ${limits.maxEntries} plików`)
        if (file.originalSize > limits.maxEntryBytes) {
          tooLarge.push({
            name: file.name,
            problem: `plik ma ${file.originalSize} B po rozpakowaniu (limit ${limits.maxEntryBytes} B)`,
          })
          return false
        }
        total += file.originalSize
        if (total > limits.maxTotalBytes)
          throw new ArchiveError(`archiwum po rozpakowaniu przekracza ${limits.maxTotalBytes} B`)
        return true
      },
    })
  } catch (error) {
    if (error instanceof ArchiveError) throw error
    throw new ArchiveError(`nieprawidłowe archiwum ZIP: ${(error as Error).message}`)
  }
  return [...Object.entries(files).map(([name, bytes]) => ({ name, bytes })), ...tooLarge]
}

async function readTarGz(data: Uint8Array, limits: ArchiveLimits): Promise<ArchiveEntry[]> {
  let tar: Buffer
  try {
    tar = gunzipSync(data, { maxOutputLength: limits.maxTotalBytes + 1024 * 1024 })
  } catch (error) {
    throw new ArchiveError(`nieprawidłowe archiwum gzip: ${(error as Error).message}`)
  }
  const entries: ArchiveEntry[] = []
  const extractor = extract()
  const done = new Promise<void>((resolve, reject) => {
    extractor.on('entry', (header, stream, next) => {
      if (header.type !== 'file') {
        stream.resume()
        stream.on('end', next)
        return
      }
      if (entries.length >= limits.maxEntries) {
        reject(new ArchiveError(`archiwum zawiera więcej niż ${limits.maxEntries} plików`))
        return
      }
      const size = header.size ?? 0
      if (size > limits.maxEntryBytes) {
        entries.push({
          name: header.name,
          problem: `plik ma ${size} B po rozpakowaniu (limit ${limits.maxEntryBytes} B)`,
        })
        stream.resume()
        stream.on('end', next)
        return
      }
      const chunks: Buffer[] = []
      stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer))
      stream.on('end', () => {
        entries.push({ name: header.name, bytes: Buffer.concat(chunks) })
        next()
      })
    })
    extractor.on('finish', resolve)
    extractor.on('error', (error: Error) => reject(new ArchiveError(`nieprawidłowe archiwum tar: ${error.message}`)))
  })
  Readable.from([tar]).pipe(extractor)
  await done
  return entries
}

/**
 * The files of an archive, in archive order.
 *
 * @throws {@link ArchiveError} when the archive as a whole cannot be read.
 * @example
 * ```ts
 * const entries = await readArchive(bytes, 'Zip', { maxEntryBytes: 3_000_000, maxTotalBytes: 1e9, maxEntries: 10_001 })
 * ```
 */
export async function readArchive(
  data: Uint8Array,
  compression: 'Zip' | 'TarGz',
  limits: ArchiveLimits,
): Promise<ArchiveEntry[]> {
  return compression === 'TarGz' ? readTarGz(data, limits) : readZip(data, limits)
}
