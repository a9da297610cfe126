/**
 * Test support: a minimal ustar writer (regular files only), written from the POSIX tar format.
 *
 * @module
 */

function header(name: string, size: number): Buffer {
  const block = Buffer.alloc(512)
  block.write(name, 0, 100, 'utf8')
  block.write('0000644\0', 100, 'ascii')
  block.write('0000000\0', 108, 'ascii')
  block.write('0000000\0', 116, 'ascii')
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'ascii')
  block.write(
    `${Math.floor(Date.now() / 1000)
      .toString(8)
      .padStart(11, '0')}\0`,
    136,
    'ascii',
  )
  block.write('        ', 148, 'ascii')
  block.write('0', 156, 'ascii')
  block.write('ustar\u000000', 257, 'ascii')
  let sum = 0
  for (const byte of block) sum += byte
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii')
  return block
}

/**
 * A tar archive of the given files.
 *
 * @example
 * ```ts
 * const tar = tarFiles([{ name: 'a.xml', data: Buffer.from('<a/>') }])
 * ```
 */
export function tarFiles(files: readonly { name: string; data: Uint8Array }[]): Buffer {
  const blocks: Buffer[] = []
  for (const file of files) {
    blocks.push(header(file.name, file.data.length), Buffer.from(file.data))
    const pad = (512 - (file.data.length % 512)) % 512
    if (pad) blocks.push(Buffer.alloc(pad))
  }
  blocks.push(Buffer.alloc(1024))
  return Buffer.concat(blocks)
}
