/**
 * The simulator's own "Ministry of Finance" keys: an RSA-2048 key pair per usage with a self-signed X.509
 * certificate, identified as KSeF identifies them (`publicKeyId` = Base64 SHA-256 of the SubjectPublicKeyInfo,
 * `certificateId` = Base64 SHA-256 of the certificate).
 *
 * @module
 */
import { createHash, generateKeyPairSync, randomBytes, webcrypto } from 'node:crypto'
import { x509 } from './x509.ts'

/** What a key is for, as `PublicKeyCertificate.usage` names it. */
export type KeyUsage = 'KsefTokenEncryption' | 'SymmetricKeyEncryption'

/** A key pair with its certificate, as stored. */
export interface SimulatorKey {
  readonly usage: KeyUsage
  readonly privateKeyPem: string
  /** DER of the certificate, Base64. */
  readonly certificate: string
  readonly publicKeyId: string
  readonly certificateId: string
  readonly validFrom: string
  readonly validTo: string
  /** Withdrawn keys are no longer listed, and requests naming them get 21470. */
  readonly withdrawn: boolean
}

type GeneratorParams = Parameters<typeof x509.X509CertificateGenerator.create>[0]

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64')

/**
 * Creates a key pair and a self-signed certificate for one usage, valid from `now` for two years.
 *
 * @example
 * ```ts
 * const key = await createSimulatorKey('SymmetricKeyEncryption', new Date())
 * ```
 */
export async function createSimulatorKey(usage: KeyUsage, now: Date): Promise<SimulatorKey> {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const spki = pair.publicKey.export({ type: 'spki', format: 'der' })
  const pkcs8 = pair.privateKey.export({ type: 'pkcs8', format: 'der' })
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
  const subtle = webcrypto.subtle
  const publicKey = await subtle.importKey('spki', spki, algorithm, true, ['verify'])
  const signingKey = await subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign'])
  const validFrom = new Date(Math.floor(now.getTime() / 1000) * 1000 - 60_000)
  const validTo = new Date(validFrom.getTime() + 2 * 365 * 24 * 3600_000)
  const name = `CN=KSeF Simulator ${usage}, O=KSeF Hub, C=PL`
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(8)
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    issuer: name,
    subject: name,
    notBefore: validFrom,
    notAfter: validTo,
    publicKey: publicKey as unknown as GeneratorParams['publicKey'],
    signingKey: signingKey as unknown as Extract<GeneratorParams, { signingKey: unknown }>['signingKey'],
    signingAlgorithm: algorithm,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.dataEncipherment)],
  })
  const der = new Uint8Array(certificate.rawData)
  return {
    usage,
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    certificate: Buffer.from(der).toString('base64'),
    publicKeyId: sha256(spki),
    certificateId: sha256(der),
    validFrom: validFrom.toISOString(),
    validTo: validTo.toISOString(),
    withdrawn: false,
  }
}
