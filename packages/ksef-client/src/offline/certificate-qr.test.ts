import { constants, createPublicKey, verify, X509Certificate } from 'node:crypto'
import { checkKsefNumber, invoiceQrLink, sha256Base64 } from '@ksef-hub/fa3'
import { describe, expect, it } from 'vitest'
import { KSEF_ENVIRONMENTS } from '../environments.ts'
import { sampleInvoice } from '../testing/sample-invoice.ts'
import { fixtureText } from '../testing/test-certificates.ts'
import { certificateQrLink, certificateQrSigningString, signCertificateQr, toBase64Url } from './certificate-qr.ts'

// Worked example of CIRFMF/ksef-docs kody-qr.md (current host per FACTS.md §11).
const DOCS = {
  nip: '1111111111',
  serial: '01F20A5D352AE590',
  hashBase64: 'UtQp9Gpc51y+u3xApZjIjgkpZ01js+J8KflSPW8WzIE=',
  hashBase64Url: 'UtQp9Gpc51y-u3xApZjIjgkpZ01js-J8KflSPW8WzIE',
  signingString:
    'qr-test.ksef.mf.gov.pl/certificate/Nip/1111111111/1111111111/01F20A5D352AE590/UtQp9Gpc51y-u3xApZjIjgkpZ01js-J8KflSPW8WzIE',
}
const rsaKey = fixtureText('offline-rsa.key.pem')
const ecKey = fixtureText('offline-ec.key.pem')

describe('KOD II from the official worked example', () => {
  it('converts the Base64 hash to Base64url without padding', () => {
    expect(toBase64Url(DOCS.hashBase64)).toBe(DOCS.hashBase64Url)
    expect(toBase64Url(DOCS.hashBase64Url)).toBe(DOCS.hashBase64Url)
  })

  it('builds the exact string to sign: no https://, no trailing signature', () => {
    const input = {
      qrBaseUrl: KSEF_ENVIRONMENTS.test.qrBaseUrl,
      context: { type: 'Nip' as const, value: DOCS.nip },
      sellerNip: DOCS.nip,
      certificateSerial: DOCS.serial,
      invoice: DOCS.hashBase64,
      privateKey: rsaKey,
    }
    expect(certificateQrSigningString(input)).toBe(DOCS.signingString)
  })

  it('signs with RSASSA-PSS (SHA-256, MGF1-SHA-256, salt 32) and the link verifies', () => {
    const link = certificateQrLink({
      qrBaseUrl: KSEF_ENVIRONMENTS.test.qrBaseUrl,
      context: { type: 'Nip', value: DOCS.nip },
      sellerNip: DOCS.nip,
      certificate: fixtureText('offline-rsa.cert.pem'),
      invoice: DOCS.hashBase64Url,
      privateKey: rsaKey,
    })
    expect(link.startsWith(`https://${DOCS.signingString}/`)).toBe(true)
    const signature = Buffer.from(link.slice(`https://${DOCS.signingString}/`.length), 'base64url')
    expect(signature).toHaveLength(256)
    const publicKey = new X509Certificate(fixtureText('offline-rsa.cert.pem')).publicKey
    const ok = (data: string, saltLength: number) =>
      verify(
        'sha256',
        Buffer.from(data),
        { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength },
        signature,
      )
    expect(ok(DOCS.signingString, 32)).toBe(true)
    expect(ok(`https://${DOCS.signingString}`, 32)).toBe(false)
    expect(ok(DOCS.signingString, 20)).toBe(false)
  })

  it('signs with ECDSA P-256 SHA-256 in IEEE P1363 (r||s, 64 bytes)', () => {
    const signature = Buffer.from(signCertificateQr(DOCS.signingString, ecKey), 'base64url')
    expect(signature).toHaveLength(64)
    const publicKey = createPublicKey(
      new X509Certificate(fixtureText('offline-ec.cert.pem')).publicKey.export({ type: 'spki', format: 'pem' }),
    )
    expect(
      verify('sha256', Buffer.from(DOCS.signingString), { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature),
    ).toBe(true)
  })

  it('takes the serial from the certificate and hashes invoice bytes itself', () => {
    const bytes = sampleInvoice({ number: 'FV/OFF/1', issueDate: '2026-02-01' })
    const input = {
      qrBaseUrl: KSEF_ENVIRONMENTS.prod.qrBaseUrl,
      context: { type: 'Nip' as const, value: '5265877635' },
      sellerNip: '5265877635',
      certificate: fixtureText('offline-ec.cert.pem'),
      invoice: bytes,
      privateKey: ecKey,
    }
    expect(certificateQrSigningString(input)).toBe(
      `qr.ksef.mf.gov.pl/certificate/Nip/5265877635/5265877635/01D1732E43B9345E/${toBase64Url(sha256Base64(bytes))}`,
    )
  })

  it('refuses keys the docs do not allow', async () => {
    const { generateKeyPairSync } = await import('node:crypto')
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey
    expect(() => signCertificateQr('x', small)).toThrow(/2048/)
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey
    expect(() => signCertificateQr('x', p384)).toThrow(/P-256/)
  })
})

describe('KOD I and the KSeF number (fa3, checked here against the official examples)', () => {
  it('KOD I has the documented shape', () => {
    const bytes = sampleInvoice({ number: 'FV/QR/1', issueDate: '2026-02-01', sellerNip: DOCS.nip })
    expect(invoiceQrLink('test', DOCS.nip, '2026-02-01', bytes)).toBe(
      `https://qr-test.ksef.mf.gov.pl/invoice/1111111111/01-02-2026/${toBase64Url(sha256Base64(bytes))}`,
    )
  })

  it('KSeF number CRC-8 of the documented numbers', () => {
    for (const number of [
      '5265877635-20250826-0100001AF629-AF',
      '5265877635-20250916-0200A0D6723E-C2',
      '1111111111-20251121-010000300339-20',
    ]) {
      expect(checkKsefNumber(number).ok, number).toBe(true)
    }
    expect(checkKsefNumber('5265877635-20250826-0100001AF629-AA').ok).toBe(false)
  })
})
