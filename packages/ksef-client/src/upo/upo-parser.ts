/**
 * A lenient reader of UPO (Urzędowe Poświadczenie Odbioru) v4-x documents. The Ministry's own samples fail the
 * published XSD (a fixed receiver name, an MF signature the XSD has no slot for), so the parser matches elements
 * by local name, ignores what it does not know, and never validates.
 *
 * @module
 */
import { XMLParser } from 'fast-xml-parser'
import { KsefPermanentError } from '../errors/ksef-error.ts'

/** One document confirmed by a UPO. */
export interface UpoDocument {
  readonly sellerNip?: string
  readonly ksefNumber?: string
  readonly invoiceNumber?: string
  /** `DataWystawieniaFaktury` (P_1), `YYYY-MM-DD`. */
  readonly issueDate?: string
  /** `DataPrzeslaniaDokumentu`: when KSeF received it. */
  readonly receivedAt?: string
  /** `DataNadaniaNumeruKSeF`: when the KSeF number was assigned. */
  readonly ksefNumberAssignedAt?: string
  /** `SkrotDokumentu`: Base64 SHA-256 of the invoice bytes. */
  readonly documentHash?: string
  /** `TrybWysylki`: `Online` or `Offline`. */
  readonly mode?: string
}

/** A parsed UPO. */
export interface ParsedUpo {
  /** The namespace of the root, e.g. `http://upo.schematy.mf.gov.pl/KSeF/v4-3`. */
  readonly namespace?: string
  readonly receiverName?: string
  readonly sessionReferenceNumber?: string
  /** Context type (`Nip`, `IdWewnetrzny`, `IdZlozonyVatUE`, `IdDostawcyUslugPeppol`) and value. */
  readonly context?: { readonly type: string; readonly value: string }
  /** Session UPOs are paged: page N of M covering documents from..to of total. */
  readonly page?: {
    readonly number?: number
    readonly of?: number
    readonly from?: number
    readonly to?: number
    readonly total?: number
  }
  readonly formCode?: string
  readonly logicalStructure?: string
  readonly documents: readonly UpoDocument[]
  /** The document carries an XML signature (the MF seal). Not verified here. */
  readonly signed: boolean
}

type Node = Record<string, unknown>

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
})

function asNode(value: unknown): Node | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Node) : undefined
}

function textOf(value: unknown): string | undefined {
  if (Array.isArray(value)) return textOf(value[0])
  if (typeof value === 'string')
    return value.replace(/\s+/g, (space) => (space.includes('\n') ? '' : space)).trim() || undefined
  if (typeof value === 'number') return String(value)
  const node = asNode(value)
  if (node && '#text' in node) return textOf(node['#text'])
  return undefined
}

function numberOf(value: unknown): number | undefined {
  const text = textOf(value)
  const parsed = text === undefined ? Number.NaN : Number(text)
  return Number.isFinite(parsed) ? parsed : undefined
}

function list(value: unknown): Node[] {
  if (value === undefined) return []
  return (Array.isArray(value) ? value : [value]).map(asNode).filter((node): node is Node => node !== undefined)
}

function defined<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T
}

/**
 * Parses a UPO leniently. Throws a permanent `UPO_UNREADABLE` error only when the bytes are not XML with a
 * `Potwierdzenie` root.
 *
 * @example
 * ```ts
 * const upo = parseUpo(bytes)
 * upo.documents[0]?.ksefNumber // '5265877635-20250916-0200A0D6723E-C2'
 * ```
 */
export function parseUpo(bytes: Uint8Array | string): ParsedUpo {
  const xml =
    typeof bytes === 'string'
      ? bytes
      : Buffer.from(bytes)
          .toString('utf8')
          .replace(/^\uFEFF/, '')
  let parsed: Node
  try {
    parsed = parser.parse(xml) as Node
  } catch (error) {
    throw new KsefPermanentError({
      code: 'UPO_UNREADABLE',
      message: `UPO is not XML: ${(error as Error).message}`,
      cause: error,
    })
  }
  const root = asNode(parsed.Potwierdzenie)
  if (!root) throw new KsefPermanentError({ code: 'UPO_UNREADABLE', message: 'UPO has no Potwierdzenie root element' })
  // The parser drops namespace declarations with the prefixes; read the root's own declaration from the text.
  const rootTag = /<(?:([\w.-]+):)?Potwierdzenie\b[^>]*>/.exec(xml)
  const namespace = rootTag
    ? new RegExp(`xmlns${rootTag[1] ? `:${rootTag[1]}` : ''}="([^"]*)"`).exec(rootTag[0])?.[1]
    : undefined
  const auth = asNode(root.Uwierzytelnienie)
  const contextNode = asNode(auth?.IdKontekstu)
  const contextEntry = contextNode
    ? Object.entries(contextNode).find(([key]) => !key.startsWith('@') && key !== '#text')
    : undefined
  const description = asNode(root.OpisPotwierdzenia)
  const documents = list(root.Dokument).map((doc) =>
    defined({
      sellerNip: textOf(doc.NipSprzedawcy),
      ksefNumber: textOf(doc.NumerKSeFDokumentu),
      invoiceNumber: textOf(doc.NumerFaktury),
      issueDate: textOf(doc.DataWystawieniaFaktury),
      receivedAt: textOf(doc.DataPrzeslaniaDokumentu),
      ksefNumberAssignedAt: textOf(doc.DataNadaniaNumeruKSeF),
      documentHash: textOf(doc.SkrotDokumentu),
      mode: textOf(doc.TrybWysylki),
    }),
  )
  const contextValue = contextEntry ? textOf(contextEntry[1]) : undefined
  return defined({
    namespace,
    receiverName: textOf(root.NazwaPodmiotuPrzyjmujacego),
    sessionReferenceNumber: textOf(root.NumerReferencyjnySesji),
    context: contextEntry && contextValue ? { type: contextEntry[0], value: contextValue } : undefined,
    page: description
      ? defined({
          number: numberOf(description.Strona),
          of: numberOf(description.LiczbaStron),
          from: numberOf(description.ZakresDokumentowOd),
          to: numberOf(description.ZakresDokumentowDo),
          total: numberOf(description.CalkowitaLiczbaDokumentow),
        })
      : undefined,
    formCode: textOf(root.KodFormularza),
    logicalStructure: textOf(root.NazwaStrukturyLogicznej),
    documents,
    signed: 'Signature' in root,
  })
}
