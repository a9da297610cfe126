/**
 * Verifies the XAdES signature of an authentication request for real: the XMLDSig signature value over the
 * canonical SignedInfo with the key of the certificate in KeyInfo, every reference's digest, and (when present)
 * the XAdES SignedProperties' SigningCertificate digest. The request is then read only from what the signature
 * covers (enveloped: the whole document; enveloping: the signed ds:Object), never from unsigned nodes.
 *
 * @module
 */
import { createHash, createVerify, X509Certificate } from 'node:crypto'
import { DOMParser } from '@xmldom/xmldom'
import { SignedXml } from 'xml-crypto'
import { AUTH_NAMESPACES, type XmlElementLike } from './auth-token-request.ts'

const DSIG = 'http://www.w3.org/2000/09/xmldsig#'
const XADES = 'http://uri.etsi.org/01903/v1.3.2#'

/** What went wrong, as the KSeF exception code it becomes. */
export type SignatureProblem =
  | { code: 21001; detail: string }
  | { code: 9101; detail: string }
  | { code: 9102; detail: string }
  | { code: 9103; detail: string }
  | { code: 9105; detail: string }
  | { code: 21115; detail: string }

/** A verified signature: the signed request element and the signer's certificate. */
export interface VerifiedSignature {
  readonly request: XmlElementLike
  readonly certificate: X509Certificate
}

/** ECDSA for XMLDSig: the signature value is r||s (IEEE P1363), as KSeF requires. */
function ecdsa(hash: string, uri: string) {
  return class {
    getSignature(): string {
      throw new Error('signing is not supported')
    }
    verifySignature(material: string, key: string | Buffer, signatureValue: string): boolean {
      const verifier = createVerify(hash)
      verifier.update(material)
      return verifier.verify({ key, dsaEncoding: 'ieee-p1363' }, signatureValue, 'base64')
    }
    getAlgorithmName(): string {
      return uri
    }
  }
}

const EXTRA_ALGORITHMS = {
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256': ecdsa(
    'SHA256',
    'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  ),
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384': ecdsa(
    'SHA384',
    'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384',
  ),
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512': ecdsa(
    'SHA512',
    'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512',
  ),
}

interface DomNode extends XmlElementLike {
  readonly nodeType: number
  readonly parentNode: DomNode | null
  getAttribute(name: string): string | null
  getElementsByTagNameNS(ns: string, name: string): { readonly length: number; item(i: number): DomNode | null }
}

function all(root: DomNode, ns: string, name: string): DomNode[] {
  const list = root.getElementsByTagNameNS(ns, name)
  const out: DomNode[] = []
  for (let i = 0; i < list.length; i++) {
    const node = list.item(i)
    if (node) out.push(node)
  }
  return out
}

function parse(xml: string): DomNode | undefined {
  let failed = false
  const onError = (level: string) => {
    if (level !== 'warning') failed = true
  }
  try {
    const doc = new DOMParser({ onError }).parseFromString(xml, 'text/xml') as unknown as {
      documentElement: DomNode | null
    }
    return failed ? undefined : (doc.documentElement ?? undefined)
  } catch {
    return undefined
  }
}

function certificateOf(signature: DomNode): X509Certificate | undefined {
  const [node] = all(signature, DSIG, 'X509Certificate')
  const base64 = node?.textContent?.replace(/\s+/g, '')
  if (!base64) return undefined
  try {
    return new X509Certificate(Buffer.from(base64, 'base64'))
  } catch {
    return undefined
  }
}

/** Checks the XAdES SigningCertificate(V2) digest, when the signature carries XAdES properties. */
function signingCertificateMatches(signature: DomNode, certificate: X509Certificate): boolean {
  const digests = [...all(signature, XADES, 'CertDigest')]
  if (digests.length === 0) return true
  return digests.some((digest) => {
    const [method] = all(digest, DSIG, 'DigestMethod')
    const [value] = all(digest, DSIG, 'DigestValue')
    const algorithm = method?.getAttribute('Algorithm') ?? ''
    const hash = algorithm.endsWith('sha512')
      ? 'sha512'
      : algorithm.endsWith('sha384')
        ? 'sha384'
        : algorithm.endsWith('#sha1')
          ? 'sha1'
          : 'sha256'
    return createHash(hash).update(certificate.raw).digest('base64') === value?.textContent?.replace(/\s+/g, '')
  })
}

/**
 * Verifies a signed AuthTokenRequest document.
 *
 * @example
 * ```ts
 * const result = verifyAuthSignature(xmlText)
 * if ('code' in result) throw ApiError.badRequest(result.code, result.detail)
 * ```
 */
export function verifyAuthSignature(xml: string): VerifiedSignature | SignatureProblem {
  const root = parse(xml)
  if (!root) return { code: 21001, detail: 'Dokument nie jest poprawnym dokumentem XML.' }
  const signatures = all(root, DSIG, 'Signature')
  if (root.namespaceURI === DSIG && root.localName === 'Signature') signatures.unshift(root)
  if (signatures.length === 0) return { code: 9102, detail: 'Dokument nie zawiera podpisu.' }
  if (signatures.length > 1) return { code: 9103, detail: 'Dokument może zawierać tylko jeden podpis.' }
  const signature = signatures[0] as DomNode
  const certificate = certificateOf(signature)
  if (!certificate) return { code: 21115, detail: 'Podpis nie zawiera certyfikatu X509 w KeyInfo.' }

  const verifier = new SignedXml({ publicCert: certificate.toString(), getCertFromKeyInfo: () => null })
  Object.assign(verifier.SignatureAlgorithms, EXTRA_ALGORITHMS)
  let valid = false
  try {
    verifier.loadSignature(signature as unknown as Parameters<SignedXml['loadSignature']>[0])
    valid = verifier.checkSignature(xml)
  } catch (error) {
    return { code: 9105, detail: `Weryfikacja podpisu nie powiodła się: ${(error as Error).message.slice(0, 200)}` }
  }
  if (!valid) return { code: 9105, detail: 'Skrót co najmniej jednej referencji podpisu jest niezgodny.' }
  if (!signingCertificateMatches(signature, certificate)) {
    return { code: 9105, detail: 'Skrót certyfikatu w SigningCertificate jest niezgodny z certyfikatem podpisu.' }
  }

  // The request must be among what the signature covers: read it from the signed, canonical references.
  for (const signed of verifier.getSignedReferences()) {
    const element = parse(signed)
    if (!element) continue
    const candidates =
      element.localName === 'AuthTokenRequest'
        ? [element]
        : AUTH_NAMESPACES.flatMap((ns) => all(element, ns, 'AuthTokenRequest'))
    const request = candidates.find((candidate) => AUTH_NAMESPACES.includes(candidate.namespaceURI ?? ''))
    if (request) {
      // Enveloped: the signed document must be the document itself, not a copy elsewhere.
      if (element.localName === 'AuthTokenRequest' && root.localName !== 'AuthTokenRequest') continue
      return { request, certificate }
    }
  }
  return {
    code: 9101,
    detail: 'Podpis nie obejmuje dokumentu AuthTokenRequest (podpis odłączony nie jest obsługiwany).',
  }
}
