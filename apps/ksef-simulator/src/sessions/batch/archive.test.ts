import { zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { zipFiles } from '../../testing/zip-writer.ts'
import { ArchiveError, readArchive } from './archive.ts'

const limits = { maxEntryBytes: 1000, maxTotalBytes: 5000, maxEntries: 5 }

describe('readArchive', () => {
  it('reads files in order, skipping directories', async () => {
    const zip = zipSync({ 'dir/': new Uint8Array(0), 'dir/a.xml': Buffer.from('<a/>'), 'b.xml': Buffer.from('<b/>') })
    const entries = await readArchive(zip, 'Zip', limits)
    expect(entries.map((e) => e.name)).toEqual(['dir/a.xml', 'b.xml'])
  })

  it('refuses a decompression bomb entry without inflating it, and caps totals and counts', async () => {
    const bomb = zipFiles([
      { name: 'bomb.xml', data: Buffer.alloc(50_000_000) },
      { name: 'ok.xml', data: Buffer.from('<ok/>') },
    ])
    expect(bomb.length).toBeLessThan(100_000)
    const entries = await readArchive(bomb, 'Zip', limits)
    expect(entries.find((e) => e.name === 'bomb.xml')).toMatchObject({ problem: expect.stringContaining('50000000') })
    expect(entries.find((e) => e.name === 'ok.xml')).toHaveProperty('bytes')
    const many = zipFiles(Array.from({ length: 6 }, (_, i) => ({ name: `${i}.xml`, data: Buffer.from('x') })))
    await expect(readArchive(many, 'Zip', limits)).rejects.toThrow(ArchiveError)
    const total = zipFiles(Array.from({ length: 5 }, (_, i) => ({ name: `${i}.xml`, data: Buffer.alloc(1000) })))
    await expect(readArchive(total, 'Zip', { ...limits, maxTotalBytes: 4500 })).rejects.toThrow(/przekracza/)
  })

  it('refuses what is not an archive', async () => {
    await expect(readArchive(Buffer.from('nope'), 'Zip', limits)).rejects.toThrow(ArchiveError)
    await expect(readArchive(Buffer.from('nope'), 'TarGz', limits)).rejects.toThrow(ArchiveError)
  })
})
