/**
 * Building an export package: the invoices of the filter set in ascending date order (at most 10,000), as
 * `{ksefNumber}.xml` files plus `_metadata.json`, zipped (or tar.gz), split into parts and each part encrypted
 * with the client's AES key and IV.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { zipSync } from 'fflate'
import { pack } from 'tar-stream'
import type { AccessClaims } from '../../auth/jwt.ts'
import type { Simulator } from '../../context.ts'
import { encryptAes } from '../../security/aes.ts'
import { type ExportRecord, ExportStore, type StoredPackage, type StoredPart } from '../../store/export-store.ts'
import { InvoiceStore } from '../../store/invoice-store.ts'
import { type InvoiceQueryFilters, queryInvoices, recordDate } from '../query/filters.ts'

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64')

async function tarGz(files: Record<string, Uint8Array>): Promise<Buffer> {
  const archive = pack()
  const chunks: Buffer[] = []
  archive.on('data', (chunk: unknown) => chunks.push(chunk as Buffer))
  const ended = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve)
    archive.on('error', reject)
  })
  for (const [name, data] of Object.entries(files)) archive.entry({ name, size: data.length }, Buffer.from(data))
  archive.finalize()
  await ended
  return gzipSync(Buffer.concat(chunks))
}

/** Export statuses. */
export const EXPORT_STATUS = {
  running: { code: 100, description: 'Eksport faktur w toku' },
  done: { code: 200, description: 'Eksport faktur zakończony sukcesem' },
  keyError: { code: 415, description: 'Błąd odszyfrowania dostarczonego klucza' },
  beyondHwm: {
    code: 420,
    description: 'Zakres filtrowania wykracza poza dostępny zakres danych',
    details: [
      'Parametr dateRange.from jest późniejszy niż PermanentStorageHwmDate przy włączonym restrictToPermanentStorageHwmDate.',
    ],
  },
} as const

/**
 * Builds and stores the package of an export; the record's status becomes 200 (or a failure).
 *
 * @example
 * ```ts
 * await buildExport(sim, record)
 * ```
 */
export async function buildExport(sim: Simulator, record: ExportRecord): Promise<void> {
  const store = new ExportStore(sim.db)
  const now = sim.clock.now()
  const finish = (update: Partial<ExportRecord>) =>
    store.save({
      ...record,
      completedDate: now.toISOString(),
      expirationDate: new Date(now.getTime() + 7 * 24 * 3600_000).toISOString(),
      ...update,
    })
  if (!record.symmetricKey || !record.iv) return finish({ status: EXPORT_STATUS.keyError })
  const filters = record.request.filters as InvoiceQueryFilters
  const access = { ctx: record.context } as AccessClaims
  let result: ReturnType<typeof queryInvoices>
  try {
    result = queryInvoices(sim, access, filters, 'Asc')
  } catch {
    return finish({ status: EXPORT_STATUS.beyondHwm })
  }
  const included = result.records.slice(0, sim.options.queryRecordLimit)
  const invoices = new InvoiceStore(sim.db)
  const files: Record<string, Uint8Array> = {}
  if (record.request.onlyMetadata !== true) {
    for (const invoice of included) {
      const content = invoices.content(invoice.referenceNumber)
      if (content && invoice.ksefNumber) files[`${invoice.ksefNumber}.xml`] = content
    }
  }
  files['_metadata.json'] = Buffer.from(
    JSON.stringify({ invoices: included.map((invoice) => invoice.metadata) }),
    'utf8',
  )
  const tarGzip = record.request.compressionType === 'TarGz'
  const archive = tarGzip ? await tarGz(files) : Buffer.from(zipSync(files))
  const partBytes = Math.max(1, sim.options.exportPartBytes)
  const parts: StoredPart[] = []
  for (let offset = 0, ordinal = 1; offset < archive.length; offset += partBytes, ordinal++) {
    const plain = archive.subarray(offset, offset + partBytes)
    const encrypted = encryptAes(record.symmetricKey, record.iv, plain)
    store.savePart(record.referenceNumber, ordinal, encrypted)
    parts.push({
      ordinalNumber: ordinal,
      partName: `${record.referenceNumber}-${String(ordinal).padStart(3, '0')}.${tarGzip ? 'tar.gz' : 'zip'}.aes`,
      partSize: plain.length,
      partHash: sha256(plain),
      encryptedPartSize: encrypted.length,
      encryptedPartHash: sha256(encrypted),
    })
  }
  const last = included.at(-1)
  const dateType = filters.dateRange.dateType
  const lastKey = {
    Issue: 'lastIssueDate',
    Invoicing: 'lastInvoicingDate',
    PermanentStorage: 'lastPermanentStorageDate',
  }[dateType]
  const packageInfo: StoredPackage = {
    invoiceCount: included.length,
    size: archive.length,
    parts,
    isTruncated: result.records.length > sim.options.queryRecordLimit,
    ...(last ? { [lastKey]: recordDate(last, dateType) } : {}),
    permanentStorageHwmDate: result.permanentStorageHwmDate,
  }
  finish({ status: EXPORT_STATUS.done, package: packageInfo })
}
