/**
 * Test support: the domain state of the in-test fake KSeF (tokens, sessions, invoices, UPOs, incoming
 * metadata). Written from the OpenAPI and FACTS.md only; the real end-to-end tests use the simulator.
 *
 * @module
 */
import { constants, createPrivateKey, privateDecrypt, randomBytes, X509Certificate } from 'node:crypto'
import { formatKsefNumber, parseInvoiceXml, sha256Base64 } from '@ksef-hub/fa3'
import type { SessionKey } from '../crypto/aes.ts'
import { testCertificate } from './test-certificates.ts'

/** A Ministry key pair of the fake (generated at test time), with what the API lists about it. */
export interface FakeMfKey {
  readonly certificateBase64: string
  readonly publicKeyId: string
  readonly privateKeyPem: string
}

/**
 * One of the fake Ministry's RSA key pairs.
 *
 * @example
 * ```ts
 * const key = loadMfKey('mf-token')
 * ```
 */
export function loadMfKey(name: 'mf-token' | 'mf-symmetric' | 'mf-symmetric-rotated'): FakeMfKey {
  const { certificatePem, privateKeyPem } = testCertificate(name)
  const cert = new X509Certificate(certificatePem)
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' })
  return { certificateBase64: cert.raw.toString('base64'), publicKeyId: sha256Base64(spki), privateKeyPem }
}

/**
 * RSA-OAEP-SHA256 decryption with a fake Ministry key (what KSeF does with `encryptedToken` and session keys).
 *
 * @example
 * ```ts
 * oaepDecrypt(key, Buffer.from(encryptedToken, 'base64'))
 * ```
 */
export function oaepDecrypt(key: FakeMfKey, data: Buffer): Buffer {
  return privateDecrypt(
    { key: createPrivateKey(key.privateKeyPem), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    data,
  )
}

let counter = 0

/**
 * A 36-character reference number like KSeF's.
 *
 * @example
 * ```ts
 * referenceNumber('EE') // '20260101-EE-0000000001-1A2B3C4D5E-00'
 * ```
 */
export function referenceNumber(kind: string): string {
  counter += 1
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '')
  return `${day}-${kind}-${String(counter).padStart(10, '0')}-${randomBytes(5).toString('hex').toUpperCase()}-00`
}

/** One invoice known to the fake. */
export interface FakeInvoice {
  readonly referenceNumber: string
  readonly sessionReferenceNumber: string
  readonly ordinalNumber: number
  readonly invoiceHash: string
  readonly fileName?: string
  readonly bytes: Uint8Array
  invoiceNumber?: string
  sellerNip?: string
  issueDate?: string
  ksefNumber?: string
  statusCode: number
  description: string
  details: string[]
  extensions?: Record<string, string>
  offline: boolean
  /** Status reads left before a pending invoice is decided. */
  pendingReads: number
  readonly receivedAt: string
}

/** One session. */
export interface FakeSession {
  readonly referenceNumber: string
  readonly kind: 'online' | 'batch'
  readonly nip: string
  readonly key: SessionKey
  readonly validUntil: string
  statusCode: number
  readonly invoices: FakeInvoice[]
  readonly dateCreated: string
  batch?: {
    readonly fileSize: number
    readonly fileHash: string
    readonly parts: { ordinalNumber: number; fileSize: number; fileHash: string }[]
    readonly uploads: Map<number, Buffer>
    readonly offline: boolean
  }
}

/**
 * Processes one invoice the way FACTS.md §7 says: parse, duplicate key, KSeF number.
 *
 * @example
 * ```ts
 * processInvoice(invoice, registry, 0)
 * ```
 */
export function processInvoice(
  invoice: FakeInvoice,
  registry: Map<string, { ksefNumber: string; sessionReferenceNumber: string }>,
  pendingReads: number,
): void {
  try {
    const model = parseInvoiceXml(invoice.bytes)
    invoice.invoiceNumber = model.details.number
    invoice.sellerNip = model.seller.nip
    invoice.issueDate = model.details.issueDate
    const key = `${model.seller.nip}|${model.details.type}|${model.details.number}`
    const original = registry.get(key)
    if (original) {
      invoice.statusCode = 440
      invoice.description = 'Duplikat faktury'
      invoice.details = [`Duplikat faktury o numerze KSeF: ${original.ksefNumber}`]
      invoice.extensions = {
        originalKsefNumber: original.ksefNumber,
        originalSessionReferenceNumber: original.sessionReferenceNumber,
      }
      return
    }
    const day = new Date().toISOString().slice(0, 10)
    invoice.ksefNumber = formatKsefNumber(model.seller.nip, day, randomBytes(6).toString('hex').toUpperCase())
    registry.set(key, { ksefNumber: invoice.ksefNumber, sessionReferenceNumber: invoice.sessionReferenceNumber })
    invoice.statusCode = 200
    invoice.description = 'Sukces'
    invoice.pendingReads = pendingReads
  } catch (error) {
    invoice.statusCode = 450
    invoice.description = 'Błąd weryfikacji semantyki dokumentu faktury'
    invoice.details = [(error as Error).message.slice(0, 200)]
  }
}

/**
 * A UPO v4-3 for some invoices.
 *
 * @example
 * ```ts
 * const xml = upoXml(session, session.invoices, true)
 * ```
 */
export function upoXml(session: FakeSession, invoices: readonly FakeInvoice[], sessionUpo: boolean): string {
  const documents = invoices
    .filter((invoice) => invoice.ksefNumber)
    .map(
      (invoice) =>
        `<Dokument><NipSprzedawcy>${invoice.sellerNip}</NipSprzedawcy><NumerKSeFDokumentu>${invoice.ksefNumber}</NumerKSeFDokumentu>` +
        `<NumerFaktury>${invoice.invoiceNumber}</NumerFaktury><DataWystawieniaFaktury>${invoice.issueDate}</DataWystawieniaFaktury>` +
        `<DataPrzeslaniaDokumentu>${invoice.receivedAt}</DataPrzeslaniaDokumentu><DataNadaniaNumeruKSeF>${invoice.receivedAt}</DataNadaniaNumeruKSeF>` +
        `<SkrotDokumentu>${invoice.invoiceHash}</SkrotDokumentu><TrybWysylki>${invoice.offline ? 'Offline' : 'Online'}</TrybWysylki></Dokument>`,
    )
  const description = sessionUpo
    ? `<OpisPotwierdzenia><Strona>1</Strona><LiczbaStron>1</LiczbaStron><ZakresDokumentowOd>1</ZakresDokumentowOd><ZakresDokumentowDo>${documents.length}</ZakresDokumentowDo><CalkowitaLiczbaDokumentow>${documents.length}</CalkowitaLiczbaDokumentow></OpisPotwierdzenia>`
    : ''
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n<Potwierdzenie xmlns="http://upo.schematy.mf.gov.pl/KSeF/v4-3">' +
    '<NazwaPodmiotuPrzyjmujacego>Ministerstwo Finansów</NazwaPodmiotuPrzyjmujacego>' +
    `<NumerReferencyjnySesji>${session.referenceNumber}</NumerReferencyjnySesji>` +
    `<Uwierzytelnienie><IdKontekstu><Nip>${session.nip}</Nip></IdKontekstu><NumerReferencyjnyTokenaKSeF>20250101-TK-0000000000-0000000000-00</NumerReferencyjnyTokenaKSeF></Uwierzytelnienie>` +
    `${description}<NazwaStrukturyLogicznej>Schemat_FA(3)_v1-0E.xsd</NazwaStrukturyLogicznej><KodFormularza>FA (3)</KodFormularza>` +
    `${documents.join('')}</Potwierdzenie>`
  )
}
