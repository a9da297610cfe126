/**
 * A tenant's KSeF certificate of type Offline: what signs KOD II on invoices issued in offline mode. Without it,
 * a tenant whose policy is `offline` keeps its invoices queued during an outage (no KOD II, no offline issue).
 *
 * @module
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto'
import type { PipelineContext } from '../context.ts'
import { PipelineError } from '../errors.ts'
import { getSecret, putSecret } from '../secrets/store.ts'

/** The name of the offline certificate (a JSON `{ certificate, privateKey }`, both PEM) in the tenant's store. */
export const OFFLINE_CERTIFICATE_SECRET = 'ksef-offline-certificate'

/** An offline certificate and its private key, PEM. */
export interface OfflineCertificateInput {
  readonly certificate: string
  readonly privateKey: string
}

function invalid(message: string): PipelineError {
  return new PipelineError('CONFIGURATION', `the offline certificate: ${message}`)
}

/** Checks what FACTS.md §11 asks of a KOD II key, and that the key is the certificate's. */
function check(input: OfflineCertificateInput, now: Date): void {
  let certificate: X509Certificate
  let key: ReturnType<typeof createPrivateKey>
  try {
    certificate = new X509Certificate(input.certificate)
    key = createPrivateKey(input.privateKey)
  } catch {
    throw invalid('the certificate and the private key must be PEM')
  }
  const publicOfKey = createPublicKey(key).export({ type: 'spki', format: 'der' })
  if (!certificate.publicKey.export({ type: 'spki', format: 'der' }).equals(publicOfKey)) {
    throw invalid('the private key is not the key of the certificate')
  }
  const details = key.asymmetricKeyDetails ?? {}
  const usable =
    (key.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) >= 2048) ||
    (key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1')
  if (!usable) throw invalid('KOD II needs an RSA key of at least 2048 bits or an EC P-256 key')
  if (new Date(certificate.validTo) < now) throw invalid(`it expired on ${certificate.validTo}`)
}

/**
 * Stores a tenant's offline certificate (encrypted), after checking that it can sign KOD II.
 *
 * @throws {@link PipelineError} `CONFIGURATION` when it is not PEM, the key is not the certificate's, the key
 *   type cannot sign KOD II, or the certificate expired
 * @example
 * ```ts
 * await setOfflineCertificate(context, 'acme', { certificate: certPem, privateKey: keyPem })
 * ```
 */
export async function setOfflineCertificate(
  context: PipelineContext,
  tenantId: string,
  input: OfflineCertificateInput,
): Promise<void> {
  check(input, context.now())
  await putSecret(
    context.db,
    context.keys,
    tenantId,
    OFFLINE_CERTIFICATE_SECRET,
    JSON.stringify({ certificate: input.certificate, privateKey: input.privateKey }),
  )
}

/**
 * A tenant's offline certificate, or `undefined` when none is set. Secret: never log it.
 *
 * @example
 * ```ts
 * const stored = await offlineCertificate(context, 'acme')
 * ```
 */
export async function offlineCertificate(
  context: PipelineContext,
  tenantId: string,
): Promise<OfflineCertificateInput | undefined> {
  const stored = await getSecret(context.db, context.keys, tenantId, OFFLINE_CERTIFICATE_SECRET)
  return stored ? (JSON.parse(stored) as OfflineCertificateInput) : undefined
}
