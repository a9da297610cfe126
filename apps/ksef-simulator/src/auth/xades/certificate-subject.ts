/**
 * Who a certificate names, as KSeF reads it: a NIP (organizationIdentifier `VATPL-…`, or serialNumber
 * `TINPL-…`/`VATPL-…`), a PESEL (serialNumber `PNOPL-…`), or, for `certificateFingerprint`, the SHA-256
 * fingerprint of the certificate.
 *
 * @module
 */
import { createHash, type X509Certificate } from 'node:crypto'
import { x509 } from '../../security/x509.ts'
import type { SubjectIdentifier } from '../jwt.ts'

const ORGANIZATION_IDENTIFIER = '2.5.4.97'
const SERIAL_NUMBER = '2.5.4.5'

/** The subject and the authentication method KSeF would report for the certificate. */
export interface CertificateSubject {
  readonly subject: SubjectIdentifier | undefined
  readonly method: 'QualifiedSeal' | 'QualifiedSignature' | 'PersonalSignature'
  readonly keyProblem: string | undefined
}

function keyProblem(certificate: X509Certificate): string | undefined {
  const key = certificate.publicKey
  const details = key.asymmetricKeyDetails
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') {
    return (details?.modulusLength ?? 0) < 2048 ? 'Klucz RSA musi mieć co najmniej 2048 bitów.' : undefined
  }
  if (key.asymmetricKeyType === 'ec') {
    return ['prime256v1', 'secp384r1', 'secp521r1'].includes(details?.namedCurve ?? '')
      ? undefined
      : 'Klucz EC musi być na krzywej P-256 lub silniejszej.'
  }
  return 'Nieobsługiwany typ klucza certyfikatu.'
}

/**
 * Reads the subject of a signing certificate.
 *
 * @example
 * ```ts
 * certificateSubject(cert, 'certificateSubject').subject // { type: 'Nip', value: '5265877635' }
 * ```
 */
export function certificateSubject(
  certificate: X509Certificate,
  identifierType: 'certificateSubject' | 'certificateFingerprint',
): CertificateSubject {
  const parsed = new x509.X509Certificate(new Uint8Array(certificate.raw))
  const field = (oid: string) => parsed.subjectName.getField(oid)[0]?.trim()
  const organization = field(ORGANIZATION_IDENTIFIER)
  const serial = field(SERIAL_NUMBER)
  const method = organization ? 'QualifiedSeal' : serial ? 'QualifiedSignature' : 'PersonalSignature'
  if (identifierType === 'certificateFingerprint') {
    const fingerprint = createHash('sha256').update(certificate.raw).digest('hex').toUpperCase()
    return { subject: { type: 'Fingerprint', value: fingerprint }, method, keyProblem: keyProblem(certificate) }
  }
  const nip = /^(?:VATPL|TINPL)-(\d{10})$/.exec(organization ?? serial ?? '')?.[1]
  const pesel = /^PNOPL-(\d{11})$/.exec(serial ?? '')?.[1]
  const subject: SubjectIdentifier | undefined = nip
    ? { type: 'Nip', value: nip }
    : pesel
      ? { type: 'Pesel', value: pesel }
      : undefined
  return { subject, method, keyProblem: keyProblem(certificate) }
}
