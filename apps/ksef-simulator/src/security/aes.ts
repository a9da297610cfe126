/**
 * AES-256-CBC with PKCS#7 padding, the symmetric cipher of KSeF sessions and exports. The ciphertext carries no
 * IV prefix: the IV travels in `initializationVector` (as the official SDKs do; the documentation's "IV prefix"
 * sentence is contradicted by them).
 *
 * @module
 */
import { createCipheriv, createDecipheriv } from 'node:crypto'

/**
 * Decrypts, or returns `undefined` when the key, IV or padding does not fit.
 *
 * @example
 * ```ts
 * const xml = decryptAes(session.symmetricKey, session.iv, ciphertext)
 * ```
 */
export function decryptAes(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer | undefined {
  if (key.length !== 32 || iv.length !== 16 || data.length === 0 || data.length % 16 !== 0) return undefined
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, iv)
    return Buffer.concat([decipher.update(data), decipher.final()])
  } catch {
    return undefined
  }
}

/**
 * Encrypts (for export packages).
 *
 * @example
 * ```ts
 * const part = encryptAes(key, iv, zipBytes)
 * ```
 */
export function encryptAes(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-cbc', key, iv)
  return Buffer.concat([cipher.update(data), cipher.final()])
}
