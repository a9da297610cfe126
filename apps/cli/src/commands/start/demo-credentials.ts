/**
 * The demo tenant's credentials on the embedded defaults: a KSeF token for the bundled simulator and a hub API
 * key, generated on the first `ksef-hub start` and kept in the data folder (mode 0600), so the key a newcomer
 * copied keeps working after a restart. Never used when the operator provides them through the environment.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** The demo tenant's secrets. */
export interface DemoCredentials {
  readonly ksefToken: string
  readonly apiKey: string
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

function randomText(length: number): string {
  // 62 * 4 = 248 < 256: dropping bytes >= 248 keeps every character equally likely.
  let text = ''
  while (text.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && text.length < length) text += ALPHABET[byte % 62]
    }
  }
  return text
}

/**
 * A fresh set of demo credentials; the API key has the shape the tenant files require.
 *
 * @example
 * ```ts
 * generateDemoCredentials().apiKey // 'ksh_<12>_<32>'
 * ```
 */
export function generateDemoCredentials(): DemoCredentials {
  return { ksefToken: `demo-${randomText(40)}`, apiKey: `ksh_${randomText(12)}_${randomText(32)}` }
}

/**
 * Reads the demo credentials from `${dataDir}/demo-credentials.json`, creating them on first use.
 *
 * @example
 * ```ts
 * const { apiKey } = await demoCredentials('.data')
 * ```
 */
export async function demoCredentials(dataDir: string): Promise<DemoCredentials> {
  const file = join(dataDir, 'demo-credentials.json')
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as Partial<DemoCredentials>
    if (typeof stored.ksefToken === 'string' && typeof stored.apiKey === 'string') {
      return { ksefToken: stored.ksefToken, apiKey: stored.apiKey }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error
  }
  await mkdir(dataDir, { recursive: true })
  const fresh = generateDemoCredentials()
  await writeFile(file, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600 })
  return fresh
}
