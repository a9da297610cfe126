/**
 * Who logs in, and in which context.
 *
 * @module
 */
import type { KeyObject } from 'node:crypto'

/** The context (the entity the client acts for). */
export interface ContextIdentifier {
  readonly type: 'Nip' | 'InternalId' | 'NipVatUe' | 'PeppolId'
  readonly value: string
}

/** A KSeF token (generated in KSeF; accepted until 2026-12-31). Secret. */
export interface TokenCredentials {
  readonly kind: 'token'
  readonly token: string
}

/**
 * A certificate and its private key: a qualified seal or signature, or a KSeF certificate of type Authentication.
 * The XAdES signature is made locally (xadesjs).
 */
export interface CertificateCredentials {
  readonly kind: 'certificate'
  /** X.509 certificate, PEM or Base64 DER. */
  readonly certificate: string
  /** The private key, PEM (PKCS#8 or SEC1/PKCS#1) or a KeyObject. Secret. */
  readonly privateKey: string | KeyObject
  /** How KSeF identifies the signer; `certificateSubject` by default. */
  readonly subjectIdentifierType?: 'certificateSubject' | 'certificateFingerprint'
  /** `verifyCertificateChain` query flag (only meaningful on TEST). */
  readonly verifyCertificateChain?: boolean
}

/**
 * External signing (HSM, smart card, Profil Zaufany): the client builds the unsigned `AuthTokenRequest` and the
 * caller returns it signed (XAdES, enveloped or enveloping).
 */
export interface ExternalSignerCredentials {
  readonly kind: 'external-signer'
  readonly sign: (unsignedXml: string) => Promise<string>
  readonly subjectIdentifierType?: 'certificateSubject' | 'certificateFingerprint'
  readonly verifyCertificateChain?: boolean
}

/** Any way to log in. */
export type KsefCredentials = TokenCredentials | CertificateCredentials | ExternalSignerCredentials

/**
 * The context of a NIP.
 *
 * @example
 * ```ts
 * nipContext('5265877635') // { type: 'Nip', value: '5265877635' }
 * ```
 */
export function nipContext(nip: string): ContextIdentifier {
  return { type: 'Nip', value: nip }
}
