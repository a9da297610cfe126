/**
 * UPO v4-3 (`http://upo.schematy.mf.gov.pl/KSeF/v4-3`), the official receipt: per invoice (one `Dokument`) and
 * per session page (up to 10,000 `Dokument`s with `OpisPotwierdzenia`). Written like the TEST samples
 * (`NazwaPodmiotuPrzyjmujacego` with the TE suffix; no MF signature, which the samples do not carry either).
 *
 * @module
 */
import type { ContextIdentifier } from '../auth/jwt.ts'

/** One accepted document of a UPO. */
export interface UpoDocument {
  readonly sellerNip: string
  readonly ksefNumber: string
  readonly invoiceNumber: string
  readonly issueDate: string
  readonly invoicingDate: string
  readonly acquisitionDate: string
  readonly invoiceHash: string
  readonly invoicingMode: 'Online' | 'Offline'
}

/** How the session was authenticated: by a KSeF token, or by a signed document. */
export type UpoAuthentication = { ksefTokenReference: string } | { documentHash: string }

/** A page of a session UPO. */
export interface UpoPageInfo {
  readonly page: number
  readonly pages: number
  readonly from: number
  readonly to: number
  readonly total: number
}

const CONTEXT_ELEMENT: Record<ContextIdentifier['type'], string> = {
  Nip: 'Nip',
  InternalId: 'IdWewnetrzny',
  NipVatUe: 'IdZlozonyVatUE',
  PeppolId: 'IdDostawcyUslugPeppol',
}

/**
 * XML text escaping.
 *
 * @example
 * ```ts
 * escapeXml('A & B <x>') // 'A &amp; B &lt;x&gt;'
 * ```
 */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/**
 * A UPO document.
 *
 * @example
 * ```ts
 * const xml = upoXml({ sessionReference, context, authentication: { documentHash }, documents: [doc] })
 * ```
 */
export function upoXml(params: {
  sessionReference: string
  context: ContextIdentifier
  authentication: UpoAuthentication
  page?: UpoPageInfo
  documents: readonly UpoDocument[]
}): string {
  const element = CONTEXT_ELEMENT[params.context.type]
  const auth =
    'ksefTokenReference' in params.authentication
      ? `<NumerReferencyjnyTokenaKSeF>${params.authentication.ksefTokenReference}</NumerReferencyjnyTokenaKSeF>`
      : `<SkrotDokumentuUwierzytelniajacego>${params.authentication.documentHash}</SkrotDokumentuUwierzytelniajacego>`
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<Potwierdzenie xmlns="http://upo.schematy.mf.gov.pl/KSeF/v4-3" wersjaSchemy="4-3">',
    '\t<NazwaPodmiotuPrzyjmujacego>Ministerstwo Finansów - środowisko testowe (TE)</NazwaPodmiotuPrzyjmujacego>',
    `\t<NumerReferencyjnySesji>${params.sessionReference}</NumerReferencyjnySesji>`,
    '\t<Uwierzytelnienie>',
    `\t\t<IdKontekstu><${element}>${escapeXml(params.context.value)}</${element}></IdKontekstu>`,
    `\t\t${auth}`,
    '\t</Uwierzytelnienie>',
  ]
  if (params.page) {
    lines.push(
      '\t<OpisPotwierdzenia>',
      `\t\t<Strona>${params.page.page}</Strona>`,
      `\t\t<LiczbaStron>${params.page.pages}</LiczbaStron>`,
      `\t\t<ZakresDokumentowOd>${params.page.from}</ZakresDokumentowOd>`,
      `\t\t<ZakresDokumentowDo>${params.page.to}</ZakresDokumentowDo>`,
      `\t\t<CalkowitaLiczbaDokumentow>${params.page.total}</CalkowitaLiczbaDokumentow>`,
      '\t</OpisPotwierdzenia>',
    )
  }
  lines.push(
    '\t<NazwaStrukturyLogicznej>Schemat_FA(3)_v1-0E.xsd</NazwaStrukturyLogicznej>',
    '\t<KodFormularza>FA (3)</KodFormularza>',
  )
  for (const doc of params.documents) {
    lines.push(
      '\t<Dokument>',
      `\t\t<NipSprzedawcy>${doc.sellerNip}</NipSprzedawcy>`,
      `\t\t<NumerKSeFDokumentu>${doc.ksefNumber}</NumerKSeFDokumentu>`,
      `\t\t<NumerFaktury>${escapeXml(doc.invoiceNumber)}</NumerFaktury>`,
      `\t\t<DataWystawieniaFaktury>${doc.issueDate}</DataWystawieniaFaktury>`,
      `\t\t<DataPrzeslaniaDokumentu>${doc.invoicingDate}</DataPrzeslaniaDokumentu>`,
      `\t\t<DataNadaniaNumeruKSeF>${doc.acquisitionDate}</DataNadaniaNumeruKSeF>`,
      `\t\t<SkrotDokumentu>${doc.invoiceHash}</SkrotDokumentu>`,
      `\t\t<TrybWysylki>${doc.invoicingMode}</TrybWysylki>`,
      '\t</Dokument>',
    )
  }
  lines.push('</Potwierdzenie>')
  return `${lines.join('\n')}\n`
}
