/**
 * The shared webhook samples (`shared/connectors/fixtures/webhook-vectors.json` beside the repository), read at
 * test time: real signed bodies of QuickBooks, Xero, HubSpot and Business Central.
 *
 * @module
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** One sample as the file has it. */
export interface WebhookVector {
  readonly system: string
  readonly kind: string
  /** How the signature is made; `as above` repeats the previous sample's. */
  readonly algorithm: string
  readonly header?: string
  readonly headers?: Readonly<Record<string, string>>
  readonly key?: string
  readonly method?: string
  readonly url?: string
  readonly timestamp?: string
  readonly body: string
  readonly signature?: string
  readonly badSignature?: string
}

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url))

/** The samples, with `as above` resolved to the algorithm it refers to. */
export function webhookVectors(): WebhookVector[] {
  const file = new URL('../shared/connectors/fixtures/webhook-vectors.json', `file://${REPO_ROOT}`)
  const { vectors } = JSON.parse(readFileSync(file, 'utf8')) as { vectors: WebhookVector[] }
  let previous = ''
  return vectors.map((vector) => {
    const algorithm = vector.algorithm === 'as above' ? previous : vector.algorithm
    previous = algorithm
    return { ...vector, algorithm }
  })
}

/** Whether a sample is signed with a plain HMAC-SHA256 of its raw body, base64 (QuickBooks, Xero). */
export const isRawBodyHmac = (vector: WebhookVector): boolean =>
  /^base64\(HMAC-SHA256\(key=[^,]+, msg=raw body\)\)$/.test(vector.algorithm)
