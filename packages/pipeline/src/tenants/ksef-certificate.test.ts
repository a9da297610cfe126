import { createPrivateKey, X509Certificate } from 'node:crypto'
import { testCertificate } from '@ksef-hub/ksef-client/testing'
import { describe, expect, it } from 'vitest'
import { checkKsefCertificate } from './ksef-certificate.ts'

describe('a KSeF certificate upload is parsed and checked', () => {
  const rsa = testCertificate('seal-rsa')
  const ec = testCertificate('seal-ec')
  const now = new Date()

  it('accepts a certificate with its own key, RSA or EC, and says what it is', () => {
    const info = checkKsefCertificate({ certificate: rsa.certificatePem, privateKey: rsa.privateKeyPem }, now)
    expect(info.subject).toContain('KSeF Hub Test Seal RSA')
    expect(checkKsefCertificate({ certificate: ec.certificatePem, privateKey: ec.privateKeyPem }, now).validTo).toEqual(
      expect.any(Date),
    )
  })

  it('refuses PEM markers around junk, naming the field', () => {
    const junk = {
      certificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      privateKey: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
    }
    expect(() => checkKsefCertificate(junk, now)).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION', details: { field: 'certificate' } }),
    )
    expect(() => checkKsefCertificate({ ...junk, certificate: rsa.certificatePem }, now)).toThrow(
      expect.objectContaining({
        details: { field: 'privateKey' },
        message: expect.stringMatching(/not a private key/),
      }),
    )
    const encrypted = createPrivateKey(rsa.privateKeyPem)
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' })
      .toString()
    expect(() => checkKsefCertificate({ certificate: rsa.certificatePem, privateKey: encrypted }, now)).toThrow(
      /privateKey: the private key is encrypted/,
    )
  })

  it("refuses another certificate's key, and a certificate outside its validity", () => {
    expect(() => checkKsefCertificate({ certificate: rsa.certificatePem, privateKey: ec.privateKeyPem }, now)).toThrow(
      /privateKey: the private key is not the certificate's key/,
    )
    const { validFrom, validTo } = new X509Certificate(rsa.certificatePem)
    const pair = { certificate: rsa.certificatePem, privateKey: rsa.privateKeyPem }
    expect(() => checkKsefCertificate(pair, new Date(new Date(validTo).getTime() + 1_000))).toThrow(
      /certificate: the certificate expired on/,
    )
    expect(() => checkKsefCertificate(pair, new Date(new Date(validFrom).getTime() - 86_400_000))).toThrow(
      /certificate: the certificate is not valid before/,
    )
  })
})
