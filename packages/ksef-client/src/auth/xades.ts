/**
 * XAdES authentication: the `AuthTokenRequest` document (auth/token/2.0 schema) and its enveloped XAdES-BES
 * signature, made with xadesjs on Node's WebCrypto. RSA keys sign with RSASSA-PKCS1-v1_5 SHA-256 (KSeF rejects
 * RSA-PSS in XAdES), EC keys with ECDSA P-256 SHA-256 in r||s form.
 *
 * @module
 */
import { createPrivateKey, type KeyObject, webcrypto, X509Certificate } from 'node:crypto'
import { DOMImplementation, DOMParser, XMLSerializer } from '@xmldom/xmldom'
import * as xades from 'xadesjs'
import * as xpath from 'xpath'
import type { ContextIdentifier } from './credentials.ts'

/**
 * The namespace of `AuthTokenRequest`.
 *
 * @example
 * ```ts
 * xml.includes(AUTH_TOKEN_REQUEST_NAMESPACE)
 * ```
 */
export const AUTH_TOKEN_REQUEST_NAMESPACE = 'http://ksef.mf.gov.pl/auth/token/2.0'

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }

function escapeXml(value: string): string {
  return value.replace(/[&<>"]/g, (char) => XML_ESCAPES[char] ?? char)
}

/**
 * The unsigned `AuthTokenRequest`.
 *
 * @example
 * ```ts
 * authTokenRequestXml('20250604-CR-461EA5B000-537A6BA15D-D7', { type: 'Nip', value: '5265877635' })
 * ```
 */
export function authTokenRequestXml(
  challenge: string,
  context: ContextIdentifier,
  subjectIdentifierType: 'certificateSubject' | 'certificateFingerprint' = 'certificateSubject',
): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<AuthTokenRequest xmlns="${AUTH_TOKEN_REQUEST_NAMESPACE}">` +
    `<Challenge>${escapeXml(challenge)}</Challenge>` +
    `<ContextIdentifier><${context.type}>${escapeXml(context.value)}</${context.type}></ContextIdentifier>` +
    `<SubjectIdentifierType>${subjectIdentifierType}</SubjectIdentifierType>` +
    '</AuthTokenRequest>'
  )
}

let engineReady = false

function ensureEngine(): void {
  if (engineReady) return
  xades.Application.setEngine('NodeJS', webcrypto as unknown as Crypto)
  xades.setNodeDependencies({ DOMParser, XMLSerializer, DOMImplementation, xpath })
  engineReady = true
}

function certificateDer(certificate: string): Buffer {
  const trimmed = certificate.trim()
  if (trimmed.startsWith('-----BEGIN')) return new X509Certificate(trimmed).raw
  return Buffer.from(trimmed.replace(/\s+/g, ''), 'base64')
}

/**
 * Signs an XML document with an enveloped XAdES-BES signature (SigningTime, SigningCertificate), the way KSeF
 * accepts for `POST /auth/xades-signature`.
 *
 * @example
 * ```ts
 * const signed = await signXades(authTokenRequestXml(challenge, context), certificatePem, privateKeyPem)
 * ```
 */
export async function signXades(xml: string, certificate: string, privateKey: string | KeyObject): Promise<string> {
  ensureEngine()
  const keyObject = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey
  const type = keyObject.asymmetricKeyType
  let algorithm: (EcKeyImportParams & { hash: string }) | RsaHashedImportParams
  if (type === 'ec') {
    const curve = keyObject.asymmetricKeyDetails?.namedCurve
    if (curve !== 'prime256v1' && curve !== 'P-256') throw new TypeError(`EC key must be P-256, not ${curve}`)
    algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
  } else if (type === 'rsa') {
    algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
  } else {
    throw new TypeError(`unsupported key type ${type} (RSA or EC P-256)`)
  }
  const cryptoKey = keyObject.toCryptoKey(algorithm, false, ['sign'])
  const der = certificateDer(certificate).toString('base64')
  const document = xades.Parse(xml)
  const signed = new xades.SignedXml()
  await signed.Sign(algorithm as Algorithm, cryptoKey as CryptoKey, document, {
    references: [{ uri: '', hash: 'SHA-256', transforms: ['enveloped', 'exc-c14n'] }],
    signingCertificate: der,
    x509: [der],
    signingTime: { value: new Date() },
  })
  const signature = signed.GetXml()
  if (!signature) throw new Error('xadesjs produced no signature')
  document.documentElement.appendChild(signature)
  return new XMLSerializer().serializeToString(document as unknown as Parameters<XMLSerializer['serializeToString']>[0])
}

/**
 * Verifies an XAdES signature made by {@link signXades} (for tests and for checking external signers).
 *
 * @example
 * ```ts
 * expect(await verifyXades(signed)).toBe(true)
 * ```
 */
export async function verifyXades(signedXml: string): Promise<boolean> {
  ensureEngine()
  const document = xades.Parse(signedXml)
  const element = document.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')[0]
  if (!element) return false
  const signed = new xades.SignedXml(document)
  try {
    signed.LoadXml(element)
    return await signed.Verify()
  } catch {
    // xadesjs throws on a digest mismatch instead of answering false.
    return false
  }
}
