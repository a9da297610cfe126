/**
 * Where the master key comes from: `KSEF_HUB_MASTER_KEY` in production; on a newcomer's first run on the
 * embedded defaults, a key generated once into the data folder, so `pnpm start` works with nothing set.
 *
 * @module
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PipelineError } from '../errors.ts'
import { generateMasterKey, type MasterKeyRing, masterKeyRing } from '../secrets/master-key.ts'
import type { HubConfig } from './config.ts'

/** How the master key ring was obtained. */
export interface MasterKeySource {
  readonly ring: MasterKeyRing
  /** `env`, or `file` when it was read from (or just written to) `${KSEF_HUB_DATA_DIR}/master.key`. */
  readonly from: 'env' | 'file'
  /** Set when a key was generated now (warn the operator once). */
  readonly generatedAt?: string
}

/**
 * The master key ring for a configuration: from the environment, or (embedded database only) from the data
 * folder, generating the key file with mode 0600 when missing.
 *
 * @throws {@link PipelineError} `CONFIGURATION` when `DATABASE_URL` is set and `KSEF_HUB_MASTER_KEY` is not
 * @example
 * ```ts
 * const { ring, generatedAt } = await resolveMasterKey(config)
 * if (generatedAt) logger.warn({ file: generatedAt }, 'generated a master key for the embedded database')
 * ```
 */
export async function resolveMasterKey(config: HubConfig): Promise<MasterKeySource> {
  const older = (config.KSEF_HUB_OLD_MASTER_KEYS ?? '').split(',')
  if (config.KSEF_HUB_MASTER_KEY) return { ring: masterKeyRing(config.KSEF_HUB_MASTER_KEY, ...older), from: 'env' }
  if (config.DATABASE_URL) {
    throw new PipelineError(
      'CONFIGURATION',
      'KSEF_HUB_MASTER_KEY must be set when DATABASE_URL is (generate one with `openssl rand -base64 32` and keep it in your secret manager)',
    )
  }
  const file = join(config.KSEF_HUB_DATA_DIR, 'master.key')
  try {
    const stored = (await readFile(file, 'utf8')).trim()
    return { ring: masterKeyRing(stored, ...older), from: 'file' }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  await mkdir(config.KSEF_HUB_DATA_DIR, { recursive: true })
  const key = generateMasterKey()
  // `wx`: two processes starting at once must not each write a different key.
  try {
    await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return resolveMasterKey(config)
    throw error
  }
  await chmod(file, 0o600)
  return { ring: masterKeyRing(key, ...older), from: 'file', generatedAt: file }
}
