/**
 * The master keys that protect secrets at rest. The current key encrypts; older keys only decrypt, until
 * `rotateSecrets` has re-wrapped everything with the current one.
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto'
import { PipelineError } from '../errors.ts'

/** A set of master keys. */
export interface MasterKeyRing {
  readonly current: { readonly id: string; readonly key: Buffer }
  readonly keys: ReadonlyMap<string, Buffer>
}

function keyId(key: Buffer): string {
  // A fingerprint, not the key: safe to store beside the ciphertext and to log.
  return createHash('sha256').update(key).digest('hex').slice(0, 16)
}

function decodeKey(value: string, variable: string): Buffer {
  const key = Buffer.from(value.trim(), 'base64')
  if (key.length !== 32) {
    throw new PipelineError(
      'CONFIGURATION',
      `${variable} must be 32 random bytes in Base64 (e.g. \`openssl rand -base64 32\`), not ${key.length} bytes`,
    )
  }
  return key
}

/**
 * A key ring from base64 keys: the first encrypts, all decrypt.
 *
 * @example
 * ```ts
 * const ring = masterKeyRing(process.env.KSEF_HUB_MASTER_KEY!, ...(process.env.KSEF_HUB_OLD_MASTER_KEYS ?? '').split(','))
 * ```
 */
export function masterKeyRing(current: string, ...older: string[]): MasterKeyRing {
  const currentKey = decodeKey(current, 'KSEF_HUB_MASTER_KEY')
  const keys = new Map<string, Buffer>([[keyId(currentKey), currentKey]])
  for (const value of older.filter((candidate) => candidate.trim() !== '')) {
    const key = decodeKey(value, 'KSEF_HUB_OLD_MASTER_KEYS')
    keys.set(keyId(key), key)
  }
  return { current: { id: keyId(currentKey), key: currentKey }, keys }
}

/**
 * The key ring from the environment: `KSEF_HUB_MASTER_KEY` (current) and `KSEF_HUB_OLD_MASTER_KEYS`
 * (comma-separated, for rotation).
 *
 * @example
 * ```ts
 * const ring = masterKeyRingFromEnv(process.env)
 * ```
 */
export function masterKeyRingFromEnv(env: Readonly<Record<string, string | undefined>>): MasterKeyRing {
  const current = env.KSEF_HUB_MASTER_KEY
  if (!current) throw new PipelineError('CONFIGURATION', 'KSEF_HUB_MASTER_KEY is not set')
  return masterKeyRing(current, ...(env.KSEF_HUB_OLD_MASTER_KEYS ?? '').split(','))
}

/**
 * A new random master key, Base64.
 *
 * @example
 * ```ts
 * const key = generateMasterKey() // store it in the secret manager, never in git
 * ```
 */
export function generateMasterKey(): string {
  return randomBytes(32).toString('base64')
}
