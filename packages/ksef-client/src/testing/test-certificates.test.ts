import { execFileSync } from 'node:child_process'
import { createPrivateKey, X509Certificate } from 'node:crypto'
import { describe, expect, it, vi } from 'vitest'
import { fixtureText, TEST_CERTIFICATE_NAMES, type TestCertificateName, testCertificate } from './test-certificates.ts'

const DAY_MS = 86_400_000

/** What the client's tests rely on, per certificate. */
const EXPECTED: Record<TestCertificateName, { key: 'rsa' | 'ec'; subject: string; serial?: string; keyUsage: string }> =
  {
    'mf-token': {
      key: 'rsa',
      subject: 'CN=Fake MF mf-token\nO=KSeF Hub tests\nC=PL',
      keyUsage: 'Key Encipherment, Certificate Sign',
    },
    'mf-symmetric': {
      key: 'rsa',
      subject: 'CN=Fake MF mf-symmetric\nO=KSeF Hub tests\nC=PL',
      keyUsage: 'Key Encipherment, Certificate Sign',
    },
    'mf-symmetric-rotated': {
      key: 'rsa',
      subject: 'CN=Fake MF mf-symmetric-rotated\nO=KSeF Hub tests\nC=PL',
      keyUsage: 'Key Encipherment, Certificate Sign',
    },
    'seal-ec': {
      key: 'ec',
      subject: 'CN=KSeF Hub Test Seal\nO=KSeF Hub Test\norganizationIdentifier=VATPL-5265877635\nC=PL',
      keyUsage: 'Digital Signature, Non Repudiation, Certificate Sign',
    },
    'seal-rsa': {
      key: 'rsa',
      subject: 'CN=KSeF Hub Test Seal RSA\nO=KSeF Hub Test\norganizationIdentifier=VATPL-5265877635\nC=PL',
      keyUsage: 'Digital Signature, Non Repudiation, Certificate Sign',
    },
    'offline-rsa': {
      key: 'rsa',
      subject: 'CN=KSeF Hub Offline RSA\nC=PL',
      serial: '01F20A5D352AE590',
      keyUsage: 'Non Repudiation, Certificate Sign',
    },
    'offline-ec': {
      key: 'ec',
      subject: 'CN=KSeF Hub Offline EC\nC=PL',
      serial: '01D1732E43B9345E',
      keyUsage: 'Non Repudiation, Certificate Sign',
    },
  }

describe('generated test certificates', () => {
  for (const name of TEST_CERTIFICATE_NAMES) {
    it(`${name}: key type, subject, serial, validity and key usage`, () => {
      const expected = EXPECTED[name]
      const { certificatePem, privateKeyPem } = testCertificate(name)
      const cert = new X509Certificate(certificatePem)
      const key = createPrivateKey(privateKeyPem)
      expect(privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/)
      expect(cert.checkPrivateKey(key)).toBe(true)
      expect(cert.verify(cert.publicKey)).toBe(true)
      expect(cert.subject).toBe(expected.subject)
      expect(cert.issuer).toBe(expected.subject)
      expect(key.asymmetricKeyType).toBe(expected.key)
      if (expected.key === 'rsa') expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048)
      else expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1')
      if (expected.serial) expect(cert.serialNumber.toUpperCase()).toBe(expected.serial)
      const now = Date.now()
      expect(cert.validFromDate.getTime()).toBeLessThanOrEqual(now)
      expect(cert.validToDate.getTime()).toBeGreaterThan(now + 3649 * DAY_MS)
      const extensions = execFileSync('openssl', ['x509', '-noout', '-ext', 'keyUsage,basicConstraints'], {
        input: certificatePem,
        timeout: 10_000,
      }).toString('utf8')
      expect(extensions).toMatch(/Key Usage: critical\s+(.+)\n/)
      expect(/Key Usage: critical\s+(.+)\n/.exec(extensions)?.[1]?.trim()).toBe(expected.keyUsage)
      expect(extensions).toMatch(/Basic Constraints: critical\s+CA:TRUE/)
      // Self-signed in OpenSSL's own sense, which is how a KSeF on TEST tells it from a chained certificate.
      expect(cert.checkIssued(cert)).toBe(true)
    })
  }

  it('makes each one once per process and keeps the keys apart', () => {
    expect(testCertificate('seal-ec')).toBe(testCertificate('seal-ec'))
    expect(fixtureText('seal-ec.cert.pem')).toBe(testCertificate('seal-ec').certificatePem)
    expect(fixtureText('seal-ec.key.pem')).toBe(testCertificate('seal-ec').privateKeyPem)
    const publicKeys = new Set(
      TEST_CERTIFICATE_NAMES.map((name) => new X509Certificate(testCertificate(name).certificatePem).publicKey).map(
        (publicKey) => publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
      ),
    )
    expect(publicKeys.size).toBe(TEST_CERTIFICATE_NAMES.length)
  })

  it('refuses a name it does not know', () => {
    expect(() => fixtureText('nope.cert.pem' as 'seal-ec.cert.pem')).toThrow(
      expect.objectContaining({
        code: 'TEST_CERTIFICATE_UNKNOWN',
        message: 'No test certificate called nope.cert.pem',
      }),
    )
  })

  it('says so, with a stable code, when openssl cannot be run', async () => {
    vi.resetModules()
    const fresh = await import('./test-certificates.ts')
    const path = process.env.PATH
    process.env.PATH = ''
    try {
      expect(() => fresh.testCertificate('offline-ec')).toThrow(
        expect.objectContaining({ code: 'TEST_CERTIFICATE_OPENSSL_FAILED', name: 'TestCertificateError' }),
      )
    } finally {
      process.env.PATH = path
    }
  })
})
