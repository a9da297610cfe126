/**
 * Test support: throwaway keys and self-signed certificates for the client's tests (stand-ins for the Ministry's
 * encryption certificates, qualified seals and KSeF offline certificates). House rule: no private key in git, not
 * even a test one, so each is made the first time a test asks for it and kept in memory for the rest of the
 * process. Node makes the key (its bundled OpenSSL finds RSA primes several times faster than the `openssl` 3.0
 * command); the `openssl` command makes the certificate, since Node cannot, in a temporary directory removed at once.
 *
 * @module
 */
import { execFileSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** What one test certificate must be; the tests rely on every field. */
interface CertificateProfile {
  readonly key: 'rsa-2048' | 'ec-p256'
  /** Subject (and, self-signed, issuer) in `openssl req -subj` form. */
  readonly subject: string
  /** Fixed serial (hex) where a test compares it; otherwise openssl picks a random one. */
  readonly serial?: string
  /** keyUsage bits besides keyCertSign, which every self-signed certificate here has (it signed itself). */
  readonly keyUsage: string
}

const mf = (name: string): CertificateProfile => ({
  key: 'rsa-2048',
  subject: `/CN=Fake MF ${name}/O=KSeF Hub tests/C=PL`,
  keyUsage: 'keyEncipherment',
})
const seal = (cn: string, key: CertificateProfile['key']): CertificateProfile => ({
  key,
  subject: `/CN=${cn}/O=KSeF Hub Test/organizationIdentifier=VATPL-5265877635/C=PL`,
  keyUsage: 'digitalSignature,nonRepudiation',
})
// FACTS.md §11: KOD II needs a KSeF certificate of type Offline, whose keyUsage is Non-Repudiation.
const offline = (cn: string, key: CertificateProfile['key'], serial: string): CertificateProfile => ({
  key,
  subject: `/CN=${cn}/C=PL`,
  serial,
  keyUsage: 'nonRepudiation',
})

const PROFILES = {
  /** The fake KSeF's `KsefTokenEncryption` key. */
  'mf-token': mf('mf-token'),
  /** The fake KSeF's `SymmetricKeyEncryption` key. */
  'mf-symmetric': mf('mf-symmetric'),
  /** The `SymmetricKeyEncryption` key after a rotation. */
  'mf-symmetric-rotated': mf('mf-symmetric-rotated'),
  /** XAdES signer like a qualified seal on TEST (EC P-256). */
  'seal-ec': seal('KSeF Hub Test Seal', 'ec-p256'),
  /** XAdES signer like a qualified seal on TEST (RSA 2048). */
  'seal-rsa': seal('KSeF Hub Test Seal RSA', 'rsa-2048'),
  /** Offline certificate for KOD II; its serial is the one in the official worked example (kody-qr.md). */
  'offline-rsa': offline('KSeF Hub Offline RSA', 'rsa-2048', '01F20A5D352AE590'),
  /** Offline certificate for KOD II (EC P-256). */
  'offline-ec': offline('KSeF Hub Offline EC', 'ec-p256', '01D1732E43B9345E'),
} as const satisfies Record<string, CertificateProfile>

/**
 * The name of one generated test certificate.
 *
 * @example
 * ```ts
 * const name: TestCertificateName = 'offline-rsa' // serial 01F20A5D352AE590
 * ```
 */
export type TestCertificateName = keyof typeof PROFILES

/**
 * A generated key pair: PEM certificate and unencrypted PKCS#8 PEM private key.
 *
 * @example
 * ```ts
 * const { certificatePem, privateKeyPem }: TestCertificate = testCertificate('seal-rsa')
 * ```
 */
export interface TestCertificate {
  readonly certificatePem: string
  readonly privateKeyPem: string
}

/**
 * Names of all test certificates, e.g. to check them all.
 *
 * @example
 * ```ts
 * for (const name of TEST_CERTIFICATE_NAMES) new X509Certificate(testCertificate(name).certificatePem)
 * ```
 */
export const TEST_CERTIFICATE_NAMES = Object.keys(PROFILES) as readonly TestCertificateName[]

/**
 * Why a test certificate could not be made; `code` is stable.
 *
 * @example
 * ```ts
 * try { testCertificate('seal-ec') } catch (e) { if (e instanceof TestCertificateError) console.error(e.code) }
 * ```
 */
export class TestCertificateError extends Error {
  readonly code: 'TEST_CERTIFICATE_UNKNOWN' | 'TEST_CERTIFICATE_OPENSSL_FAILED'
  override readonly name = 'TestCertificateError'

  constructor(code: TestCertificateError['code'], message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
  }
}

// Signing takes openssl milliseconds; the limit only stops a hung or prompting openssl.
const OPENSSL_TIMEOUT_MS = 10_000
const VALID_DAYS = 3650
const cache = new Map<TestCertificateName, TestCertificate>()

/**
 * The test certificate with this name, generated on first use and then served from memory.
 *
 * @example
 * ```ts
 * const { certificatePem, privateKeyPem } = testCertificate('seal-ec')
 * ```
 */
export function testCertificate(name: TestCertificateName): TestCertificate {
  let made = cache.get(name)
  if (!made) {
    made = generate(PROFILES[name], name)
    cache.set(name, made)
  }
  return made
}

/**
 * A test certificate or its private key as PEM text, by the file name it had when it was a committed fixture
 * (`<name>.cert.pem` or `<name>.key.pem`).
 *
 * @example
 * ```ts
 * const pem = fixtureText('seal-ec.cert.pem')
 * ```
 */
export function fixtureText(file: `${TestCertificateName}.${'cert' | 'key'}.pem`): string {
  const match = /^(.+)\.(cert|key)\.pem$/.exec(file)
  const name = match?.[1]
  // The template-literal type already says so; this keeps a caller that casts honest.
  if (!name || !(name in PROFILES)) {
    throw new TestCertificateError('TEST_CERTIFICATE_UNKNOWN', `No test certificate called ${file}`)
  }
  const made = testCertificate(name as TestCertificateName)
  return match?.[2] === 'cert' ? made.certificatePem : made.privateKeyPem
}

function generate(profile: CertificateProfile, name: string): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'ksef-client-test-cert-'))
  try {
    const config = join(dir, 'openssl.cnf')
    // Our own config, not the system's openssl.cnf, so the extensions are the same on every machine.
    writeFileSync(
      config,
      [
        '[req]',
        'distinguished_name = dn',
        'x509_extensions = ext',
        '[dn]',
        '[ext]',
        'basicConstraints = critical,CA:TRUE',
        'subjectKeyIdentifier = hash',
        'authorityKeyIdentifier = keyid:always',
        `keyUsage = critical,${profile.keyUsage},keyCertSign`,
        '',
      ].join('\n'),
    )
    const { privateKey } =
      profile.key === 'rsa-2048'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    const keyFile = join(dir, 'key.pem')
    const certFile = join(dir, 'cert.pem')
    writeFileSync(keyFile, privateKeyPem, { mode: 0o600 })
    const args = [
      'req',
      '-x509',
      '-config',
      config,
      '-key',
      keyFile,
      '-sha256',
      '-days',
      String(VALID_DAYS),
      '-subj',
      profile.subject,
      ...(profile.serial ? ['-set_serial', `0x${profile.serial}`] : []),
      '-out',
      certFile,
    ]
    try {
      execFileSync('openssl', args, { timeout: OPENSSL_TIMEOUT_MS, stdio: ['ignore', 'ignore', 'pipe'] })
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString('utf8').trim()
      throw new TestCertificateError(
        'TEST_CERTIFICATE_OPENSSL_FAILED',
        `openssl could not make the test certificate ${name} (needs OpenSSL 3 on PATH)${stderr ? `: ${stderr}` : ''}`,
        { cause: error },
      )
    }
    return { certificatePem: readFileSync(certFile, 'utf8'), privateKeyPem }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
