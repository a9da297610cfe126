/**
 * Test support: signs an AuthTokenRequest with an enveloped XAdES-BES signature using node:crypto only. The
 * document and the signed parts are written directly in their exclusive-C14N form, so their digests are
 * computed without a canonicalizer (an independent check of the simulator's verifier). The self-signed
 * certificate is made with @peculiar/x509 (certificates are not KSeF-specific).
 *
 * @module
 */
import 'reflect-metadata'
import { createHash, createSign, generateKeyPairSync, type KeyObject, webcrypto } from 'node:crypto'
import * as x509 from '@peculiar/x509'

;(x509.cryptoProvider as unknown as { set(crypto: unknown): void }).set(webcrypto)

const DS = 'http://www.w3.org/2000/09/xmldsig#'
const XADES = 'http://uri.etsi.org/01903/v1.3.2#'
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#'
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256'
const AUTH_NS = 'http://ksef.mf.gov.pl/auth/token/2.0'

/** A signing identity: key pair and self-signed certificate. */
export interface TestSigner {
  readonly privateKey: KeyObject
  readonly certificateDer: Buffer
  readonly kind: 'rsa' | 'ec'
}

/**
 * A self-signed certificate naming a NIP (organizationIdentifier `VATPL-…`) or a PESEL (serialNumber
 * `PNOPL-…`).
 *
 * @example
 * ```ts
 * const signer = await testSigner({ nip: '5265877635' })
 * ```
 */
export async function testSigner(subject: {
  nip?: string
  pesel?: string
  kind?: 'rsa' | 'ec'
  validDays?: number
}): Promise<TestSigner> {
  const kind = subject.kind ?? 'rsa'
  const pair =
    kind === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const algorithm =
    kind === 'rsa'
      ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
      : { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
  const subtle = webcrypto.subtle
  const publicKey = await subtle.importKey(
    'spki',
    pair.publicKey.export({ type: 'spki', format: 'der' }),
    algorithm,
    true,
    ['verify'],
  )
  const signingKey = await subtle.importKey(
    'pkcs8',
    pair.privateKey.export({ type: 'pkcs8', format: 'der' }),
    algorithm,
    false,
    ['sign'],
  )
  const name = subject.nip
    ? `CN=Test Seal ${subject.nip}, 2.5.4.97=VATPL-${subject.nip}, O=Test, C=PL`
    : `CN=Jan Testowy, 2.5.4.5=PNOPL-${subject.pesel}, C=PL`
  const notBefore = new Date(Date.now() - 3600_000)
  type Params = Extract<Parameters<typeof x509.X509CertificateGenerator.create>[0], { signingKey: unknown }>
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: '0a1b2c3d',
    issuer: name,
    subject: name,
    notBefore,
    notAfter: new Date(notBefore.getTime() + (subject.validDays ?? 365) * 24 * 3600_000),
    publicKey: publicKey as unknown as Params['publicKey'],
    signingKey: signingKey as unknown as Params['signingKey'],
    signingAlgorithm: algorithm,
  })
  return { privateKey: pair.privateKey, certificateDer: Buffer.from(certificate.rawData), kind }
}

const digest = (text: string | Uint8Array) => createHash('sha256').update(text).digest('base64')

/**
 * A signed AuthTokenRequest; `tamper` edits the document after signing (to prove the signature is checked).
 *
 * @example
 * ```ts
 * const xml = signedAuthRequest(signer, { challenge, nip: '5265877635' })
 * ```
 */
export function signedAuthRequest(
  signer: TestSigner,
  request: { challenge: string; nip: string; subjectIdentifierType?: 'certificateSubject' | 'certificateFingerprint' },
  tamper?: (xml: string) => string,
): string {
  const content =
    `<Challenge>${request.challenge}</Challenge>` +
    `<ContextIdentifier><Nip>${request.nip}</Nip></ContextIdentifier>` +
    `<SubjectIdentifierType>${request.subjectIdentifierType ?? 'certificateSubject'}</SubjectIdentifierType>`
  const documentC14n = `<AuthTokenRequest xmlns="${AUTH_NS}">${content}</AuthTokenRequest>`
  const certificate = new x509.X509Certificate(signer.certificateDer)
  const signedProperties =
    `<xades:SignedProperties xmlns:xades="${XADES}" Id="SignedProperties-1">` +
    '<xades:SignedSignatureProperties>' +
    `<xades:SigningTime>${new Date().toISOString()}</xades:SigningTime>` +
    '<xades:SigningCertificate><xades:Cert><xades:CertDigest>' +
    `<ds:DigestMethod xmlns:ds="${DS}" Algorithm="${SHA256}"></ds:DigestMethod>` +
    `<ds:DigestValue xmlns:ds="${DS}">${digest(signer.certificateDer)}</ds:DigestValue>` +
    '</xades:CertDigest><xades:IssuerSerial>' +
    `<ds:X509IssuerName xmlns:ds="${DS}">${certificate.issuer}</ds:X509IssuerName>` +
    `<ds:X509SerialNumber xmlns:ds="${DS}">${BigInt(`0x${certificate.serialNumber}`).toString()}</ds:X509SerialNumber>` +
    '</xades:IssuerSerial></xades:Cert></xades:SigningCertificate>' +
    '</xades:SignedSignatureProperties></xades:SignedProperties>'
  const signatureMethod =
    signer.kind === 'rsa'
      ? 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'
      : 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256'
  const signedInfo =
    `<ds:SignedInfo xmlns:ds="${DS}">` +
    `<ds:CanonicalizationMethod Algorithm="${EXC_C14N}"></ds:CanonicalizationMethod>` +
    `<ds:SignatureMethod Algorithm="${signatureMethod}"></ds:SignatureMethod>` +
    '<ds:Reference URI=""><ds:Transforms>' +
    `<ds:Transform Algorithm="${DS}enveloped-signature"></ds:Transform>` +
    `<ds:Transform Algorithm="${EXC_C14N}"></ds:Transform>` +
    `</ds:Transforms><ds:DigestMethod Algorithm="${SHA256}"></ds:DigestMethod>` +
    `<ds:DigestValue>${digest(documentC14n)}</ds:DigestValue></ds:Reference>` +
    '<ds:Reference Type="http://uri.etsi.org/01903#SignedProperties" URI="#SignedProperties-1"><ds:Transforms>' +
    `<ds:Transform Algorithm="${EXC_C14N}"></ds:Transform>` +
    `</ds:Transforms><ds:DigestMethod Algorithm="${SHA256}"></ds:DigestMethod>` +
    `<ds:DigestValue>${digest(signedProperties)}</ds:DigestValue></ds:Reference>` +
    '</ds:SignedInfo>'
  const sign = createSign('SHA256')
  sign.update(signedInfo)
  const signatureValue =
    signer.kind === 'rsa'
      ? sign.sign(signer.privateKey, 'base64')
      : sign.sign({ key: signer.privateKey, dsaEncoding: 'ieee-p1363' }, 'base64')
  const signature =
    `<ds:Signature xmlns:ds="${DS}" Id="Signature-1">${signedInfo}` +
    `<ds:SignatureValue>${signatureValue}</ds:SignatureValue>` +
    `<ds:KeyInfo><ds:X509Data><ds:X509Certificate>${signer.certificateDer.toString('base64')}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>` +
    `<ds:Object><xades:QualifyingProperties xmlns:xades="${XADES}" Target="#Signature-1">${signedProperties}</xades:QualifyingProperties></ds:Object>` +
    '</ds:Signature>'
  const xml = `<?xml version="1.0" encoding="utf-8"?>\n<AuthTokenRequest xmlns="${AUTH_NS}">${content}${signature}</AuthTokenRequest>`
  return tamper ? tamper(xml) : xml
}
