/**
 * Envelope encryption (AES-256-GCM): each secret has its own random data key; the data key is encrypted with
 * the master key. Rotating the master key re-wraps data keys without touching the secrets themselves. The
 * associated data binds a ciphertext to its owner, so it cannot be moved to another tenant's row.
 *
 * @module
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { PipelineError } from '../errors.ts'
import type { MasterKeyRing } from './master-key.ts'

/** A sealed secret as stored. */
export interface Sealed {
  readonly keyId: string
  /** iv (12) || tag (16) || encrypted data key (32). */
  readonly wrappedKey: Buffer
  readonly iv: Buffer
  readonly tag: Buffer
  readonly ciphertext: Buffer
}

function encrypt(key: Buffer, plaintext: Uint8Array, aad: string): { iv: Buffer; tag: Buffer; ciphertext: Buffer } {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(aad, 'utf8'))
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
  return { iv, tag: cipher.getAuthTag(), ciphertext }
}

function decrypt(key: Buffer, iv: Buffer, tag: Buffer, ciphertext: Buffer, aad: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv)
  decipher.setAAD(Buffer.from(aad, 'utf8'))
  decipher.setAuthTag(tag)
  return Buffer.concat([decipher.update(ciphertext), decipher.final()])
}

function wrap(ring: MasterKeyRing, dataKey: Buffer, aad: string): Buffer {
  const { iv, tag, ciphertext } = encrypt(ring.current.key, dataKey, `key:${aad}`)
  return Buffer.concat([iv, tag, ciphertext])
}

function unwrap(ring: MasterKeyRing, keyId: string, wrappedKey: Buffer, aad: string): Buffer {
  const master = ring.keys.get(keyId)
  if (!master) {
    throw new PipelineError(
      'SECRET_UNREADABLE',
      `a secret is encrypted with master key ${keyId}, which is not configured (add it to KSEF_HUB_OLD_MASTER_KEYS)`,
    )
  }
  return decrypt(master, wrappedKey.subarray(0, 12), wrappedKey.subarray(12, 28), wrappedKey.subarray(28), `key:${aad}`)
}

/**
 * Encrypts a secret under a fresh data key.
 *
 * @param aad what the secret belongs to, e.g. `tenant:acme/ksef-token`
 * @example
 * ```ts
 * const sealed = seal(ring, Buffer.from(token), 'tenant:acme/ksef-token')
 * ```
 */
export function seal(ring: MasterKeyRing, plaintext: Uint8Array, aad: string): Sealed {
  const dataKey = randomBytes(32)
  const { iv, tag, ciphertext } = encrypt(dataKey, plaintext, aad)
  return { keyId: ring.current.id, wrappedKey: wrap(ring, dataKey, aad), iv, tag, ciphertext }
}

/**
 * Decrypts a sealed secret.
 *
 * @throws {@link PipelineError} `SECRET_UNREADABLE` for an unknown master key or a tampered ciphertext.
 * @example
 * ```ts
 * const token = open(ring, sealed, 'tenant:acme/ksef-token').toString('utf8')
 * ```
 */
export function open(ring: MasterKeyRing, sealed: Sealed, aad: string): Buffer {
  const dataKey = unwrap(ring, sealed.keyId, sealed.wrappedKey, aad)
  try {
    return decrypt(dataKey, sealed.iv, sealed.tag, sealed.ciphertext, aad)
  } catch {
    throw new PipelineError('SECRET_UNREADABLE', `the secret ${aad} does not decrypt: it was altered or moved`)
  }
}

/**
 * Re-wraps a sealed secret's data key with the current master key (rotation); the ciphertext is unchanged.
 *
 * @example
 * ```ts
 * const rotated = rewrap(ring, sealed, 'tenant:acme/ksef-token')
 * ```
 */
export function rewrap(ring: MasterKeyRing, sealed: Sealed, aad: string): Sealed {
  if (sealed.keyId === ring.current.id) return sealed
  const dataKey = unwrap(ring, sealed.keyId, sealed.wrappedKey, aad)
  return { ...sealed, keyId: ring.current.id, wrappedKey: wrap(ring, dataKey, aad) }
}
