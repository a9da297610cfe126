/**
 * Test support: a batch session from the client's side: archive, split, encrypt each part, open, upload to the
 * pre-signed URLs (without the bearer token), close.
 *
 * @module
 */
import { aesEncrypt, type MiniKsef, type Reply, sha256 } from './mini-client.ts'

/** What {@link sendBatch} did. */
export interface SentBatch {
  referenceNumber: string
  open: Reply
  uploads: number[]
  close: Reply
}

/**
 * Sends an archive as a batch session split into `parts` parts.
 *
 * @example
 * ```ts
 * const batch = await sendBatch(ksef, access, zipFiles(files), { parts: 3 })
 * ```
 */
export async function sendBatch(
  ksef: MiniKsef,
  accessToken: string,
  archive: Buffer,
  options: { parts?: number; compressionType?: 'Zip' | 'TarGz'; close?: boolean; skipParts?: number[] } = {},
): Promise<SentBatch> {
  const key = await ksef.sessionKey()
  const count = options.parts ?? 1
  const size = Math.ceil(archive.length / count)
  const parts = Array.from({ length: count }, (_, i) =>
    aesEncrypt(key.key, key.iv, archive.subarray(i * size, (i + 1) * size)),
  )
  const open = await ksef.call('POST', '/sessions/batch', {
    token: accessToken,
    json: {
      formCode: { systemCode: 'FA (3)', schemaVersion: '1-0E', value: 'FA' },
      batchFile: {
        fileSize: archive.length,
        fileHash: sha256(archive),
        ...(options.compressionType ? { compressionType: options.compressionType } : {}),
        fileParts: parts.map((part, i) => ({ ordinalNumber: i + 1, fileSize: part.length, fileHash: sha256(part) })),
      },
      encryption: key.encryption,
    },
  })
  if (open.status !== 201) throw new Error(`open batch failed: ${open.text}`)
  const uploads = await Promise.all(
    (
      open.json.partUploadRequests as {
        ordinalNumber: number
        method: string
        url: string
        headers: Record<string, string>
      }[]
    )
      .filter((request) => !options.skipParts?.includes(request.ordinalNumber))
      .map(async (request) => {
        const response = await fetch(request.url, {
          method: request.method,
          headers: request.headers,
          body: parts[request.ordinalNumber - 1],
          signal: AbortSignal.timeout(20_000),
        })
        await response.arrayBuffer()
        return response.status
      }),
  )
  const referenceNumber = open.json.referenceNumber as string
  const close =
    options.close === false
      ? open
      : await ksef.call('POST', `/sessions/batch/${referenceNumber}/close`, { token: accessToken })
  return { referenceNumber, open, uploads, close }
}
