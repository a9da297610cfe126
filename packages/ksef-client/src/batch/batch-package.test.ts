import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sha256Base64 } from '@ksef-hub/fa3'
import { unzipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { aesDecrypt, createSessionKey } from '../crypto/aes.ts'
import { sampleInvoice } from '../testing/sample-invoice.ts'
import { type BatchPart, batchFileInfo, buildBatchPackage, removeBatchPartFiles } from './batch-package.ts'

const bytesOf = (part: BatchPart): Buffer => part.encrypted ?? readFileSync(part.file ?? '')

function* invoices(count: number) {
  for (let i = 0; i < count; i += 1)
    yield { fileName: `invoice-${i}.xml`, bytes: sampleInvoice({ number: `FV/B/${i}` }) }
}

describe('batch package', () => {
  it('splits the archive binary into parts, each encrypted on its own, with declared sizes and hashes', async () => {
    const key = createSessionKey()
    const pkg = await buildBatchPackage(invoices(200), key, { maxPartBytes: 16_384, compressionLevel: 0 })
    expect(pkg.parts.length).toBeGreaterThan(3)
    expect(pkg.parts.slice(0, -1).every((part) => part.plainSize === 16_384)).toBe(true)
    const plain = Buffer.concat(pkg.parts.map((part) => aesDecrypt(key, bytesOf(part))))
    expect(plain.length).toBe(pkg.fileSize)
    expect(sha256Base64(plain)).toBe(pkg.fileHash)
    for (const part of pkg.parts) {
      expect(part.encryptedSize).toBe(bytesOf(part).length)
      expect(part.encryptedHash).toBe(sha256Base64(bytesOf(part)))
      expect(part.encryptedSize).toBe(Math.floor(part.plainSize / 16) * 16 + 16)
    }
    const files = unzipSync(plain)
    expect(Object.keys(files)).toHaveLength(200)
    expect(Buffer.from(files['invoice-7.xml'] ?? []).equals(Buffer.from(sampleInvoice({ number: 'FV/B/7' })))).toBe(
      true,
    )
    expect(sha256Base64(files['invoice-7.xml'] ?? new Uint8Array())).toBe(pkg.files[7]?.invoiceHash)
    const info = batchFileInfo(pkg)
    expect(info.fileParts.map((part) => part.ordinalNumber)).toEqual(pkg.parts.map((_, index) => index + 1))
  })

  it('spills parts to files when asked, with the same sizes and hashes rules, and removes them', async () => {
    const key = createSessionKey()
    const dir = mkdtempSync(join(tmpdir(), 'ksef-parts-'))
    const pkg = await buildBatchPackage(invoices(100), key, {
      maxPartBytes: 16_384,
      compressionLevel: 0,
      partDirectory: dir,
    })
    expect(pkg.parts.every((part) => part.encrypted === undefined && part.file?.startsWith(dir))).toBe(true)
    for (const part of pkg.parts) expect(sha256Base64(bytesOf(part))).toBe(part.encryptedHash)
    const plain = Buffer.concat(pkg.parts.map((part) => aesDecrypt(key, bytesOf(part))))
    expect(sha256Base64(plain)).toBe(pkg.fileHash)
    expect(Object.keys(unzipSync(plain))).toHaveLength(100)
    await removeBatchPartFiles(pkg)
    expect(pkg.parts.some((part) => existsSync(part.file ?? ''))).toBe(false)
  })

  it('enforces the limits: parts, invoices, duplicate names, empty batch', async () => {
    const key = createSessionKey()
    await expect(
      buildBatchPackage(invoices(50), key, { maxPartBytes: 1024, maxParts: 2, compressionLevel: 0 }),
    ).rejects.toMatchObject({ code: 'BATCH_LIMIT' })
    await expect(buildBatchPackage(invoices(11), key, { maxInvoices: 10 })).rejects.toMatchObject({
      code: 'BATCH_LIMIT',
    })
    await expect(buildBatchPackage([...invoices(1), ...invoices(1)], key)).rejects.toThrow(/twice/)
    await expect(buildBatchPackage([], key)).rejects.toThrow(/at least one/)
  })
})
