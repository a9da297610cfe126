/**
 * KOD II: the certificate verification link printed on offline invoices, signed with the private key of a KSeF
 * certificate of type Offline (FACTS.md §11):
 * `{qr host}/certificate/{ctxType}/{ctxValue}/{sellerNIP}/{certSerial}/{b64url invoice hash}/{b64url signature}`,
 * the signature made over the link without `https://` and without the signature segment: RSASSA-PSS
 * (SHA-256, MGF1-SHA-256, salt 32, key ≥ 2048 bits) or ECDSA P-256 SHA-256 in IEEE P1363 (r||s) form.
 * KOD I is `@ksef-hub/fa3`'s `invoiceQrLink`.
 *
 * @module
 */
import { constants, createPrivateKey, type KeyObject, sign, X509Certificate } from 'node:crypto'
import { sha256Base64Url } from '@ksef-hub/fa3'
import type { ContextIdentifier } from '../auth/credentials.ts'

/** What a KOD II link is made of. */
export interface CertificateQrInput {
  /** The QR host, e.g. `https://qr-test.ksef.mf.gov.pl` (`environment.qrBaseUrl`). */
  readonly qrBaseUrl: string
  readonly context: ContextIdentifier
  readonly sellerNip: string
  /** The invoice's exact bytes, or its SHA-256 in Base64 or Base64url. */
  readonly invoice: Uint8Array | string
  /** The offline certificate (PEM or Base64 DER); its serial number goes into the link. */
  readonly certificate?: string
  /** Or the serial number directly, hex. */
  readonly certificateSerial?: string
  /** The certificate's private key. Secret. */
  readonly privateKey: string | KeyObject
}

/**
 * A hash in Base64 or Base64url as Base64url without padding.
 *
 * @example
 * ```ts
 * toBase64Url('UtQp9Gpc51y+u3xApZjIjgkpZ01js+J8KflSPW8WzIE=') // 'UtQp9Gpc51y-u3xApZjIjgkpZ01js-J8KflSPW8WzIE'
 * ```
 */
export function toBase64Url(hash: string): string {
  return hash.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function serialOf(input: CertificateQrInput): string {
  if (input.certificateSerial) return input.certificateSerial.toUpperCase()
  if (!input.certificate) throw new TypeError('KOD II needs the certificate or its serial number')
  const text = input.certificate.trim()
  const certificate = new X509Certificate(text.startsWith('-----BEGIN') ? text : Buffer.from(text, 'base64'))
  return certificate.serialNumber.toUpperCase()
}

/**
 * The string that is signed: the link without `https://` and without the signature.
 *
 * @example
 * ```ts
 * certificateQrSigningString({ qrBaseUrl: 'https://qr-test.ksef.mf.gov.pl', context: { type: 'Nip', value: '1111111111' },
 *   sellerNip: '1111111111', certificateSerial: '01F20A5D352AE590', invoice: 'UtQp9Gpc51y-u3xApZjIjgkpZ01js-J8KflSPW8WzIE', privateKey })
 * // 'qr-test.ksef.mf.gov.pl/certificate/Nip/1111111111/1111111111/01F20A5D352AE590/UtQp9Gpc51y-u3xApZjIjgkpZ01js-J8KflSPW8WzIE'
 * ```
 */
export function certificateQrSigningString(input: CertificateQrInput): string {
  const host = input.qrBaseUrl.replace(/^https?:\/\//, '').replace(/\/+$/, '')
  const hash = typeof input.invoice === 'string' ? toBase64Url(input.invoice) : sha256Base64Url(input.invoice)
  return `${host}/certificate/${input.context.type}/${input.context.value}/${input.sellerNip}/${serialOf(input)}/${hash}`
}

/**
 * Signs the KOD II string with RSA-PSS or ECDSA P-256 according to the key.
 *
 * @example
 * ```ts
 * const signature = signCertificateQr(signingString, privateKeyPem) // Base64url
 * ```
 */
export function signCertificateQr(signingString: string, privateKey: string | KeyObject): string {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey
  const data = Buffer.from(signingString, 'utf8')
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0
    if (bits < 2048) throw new TypeError(`KOD II needs an RSA key of at least 2048 bits, not ${bits}`)
    return sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64url')
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve
    if (curve !== 'prime256v1') throw new TypeError(`KOD II needs an EC P-256 key, not ${curve}`)
    return sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')
  }
  throw new TypeError(`KOD II needs an RSA or EC key, not ${key.asymmetricKeyType}`)
}

/**
 * The full KOD II link. Print it as a QR code labelled `CERTYFIKAT`.
 *
 * @example
 * ```ts
 * const link = certificateQrLink({ qrBaseUrl: env.qrBaseUrl, context: nipContext(nip), sellerNip: nip,
 *   invoice: bytes, certificate: offlineCertPem, privateKey: offlineKeyPem })
 * ```
 */
export function certificateQrLink(input: CertificateQrInput): string {
  const signingString = certificateQrSigningString(input)
  return `https://${signingString}/${signCertificateQr(signingString, input.privateKey)}`
}
