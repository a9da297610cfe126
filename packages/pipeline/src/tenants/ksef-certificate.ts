/**
 * A KSeF certificate and its private key, checked before they are stored: parsed (PEM markers around anything
 * else were accepted, and failed only when the worker first tried to authenticate), the key is the certificate's,
 * and the certificate is valid now. The stored form is the PEM as given; nothing is converted.
 *
 * @module
 */
import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto'
import { PipelineError } from '../errors.ts'

/** A certificate and its private key, PEM. */
export interface KsefCertificateInput {
  readonly certificate: string
  readonly privateKey: string
}

/** What the check found out about a certificate that passed it. */
export interface KsefCertificateInfo {
  readonly subject: string
  readonly serialNumber: string
  readonly validFrom: Date
  readonly validTo: Date
}

const refused = (field: 'certificate' | 'privateKey', message: string) =>
  new PipelineError('CONFIGURATION', `${field}: ${message}`, { field })

function privateKeyOf(pem: string): KeyObject {
  // OpenSSL 3 reports a missing passphrase as "interrupted or cancelled": the PEM's own header says it plainly.
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(pem)) {
    throw refused('privateKey', 'the private key is encrypted; give it unencrypted (the hub stores it encrypted)')
  }
  try {
    return createPrivateKey(pem)
  } catch {
    throw refused('privateKey', 'not a private key in PEM (PKCS#8, PKCS#1 or SEC1)')
  }
}

/**
 * Checks a certificate and its private key.
 *
 * @throws {@link PipelineError} `CONFIGURATION` naming the field: not PEM, the key encrypted, the key not the
 *   certificate's, not yet valid, expired
 * @example
 * ```ts
 * const { validTo } = checkKsefCertificate({ certificate: certPem, privateKey: keyPem }, new Date())
 * ```
 */
export function checkKsefCertificate(input: KsefCertificateInput, now: Date): KsefCertificateInfo {
  let certificate: X509Certificate
  try {
    certificate = new X509Certificate(input.certificate)
  } catch {
    throw refused('certificate', 'not an X.509 certificate in PEM')
  }
  const key = privateKeyOf(input.privateKey)
  const ofKey = createPublicKey(key).export({ type: 'spki', format: 'der' })
  if (!certificate.publicKey.export({ type: 'spki', format: 'der' }).equals(ofKey)) {
    throw refused('privateKey', "the private key is not the certificate's key")
  }
  const validFrom = new Date(certificate.validFrom)
  const validTo = new Date(certificate.validTo)
  if (now < validFrom) throw refused('certificate', `the certificate is not valid before ${validFrom.toISOString()}`)
  if (now > validTo) throw refused('certificate', `the certificate expired on ${validTo.toISOString()}`)
  return { subject: certificate.subject, serialNumber: certificate.serialNumber, validFrom, validTo }
}
