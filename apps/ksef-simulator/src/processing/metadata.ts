/**
 * `InvoiceMetadata` of an accepted invoice, as `POST /invoices/query/metadata` and exports return it.
 *
 * @module
 */
import type { Invoice } from '@ksef-hub/fa3'
import { sumAmounts } from './amounts.ts'

/** FA(3) `RodzajFaktury` -> the API's `InvoiceType`. */
export const API_INVOICE_TYPE: Record<string, string> = {
  VAT: 'Vat',
  KOR: 'Kor',
  ZAL: 'Zal',
  ROZ: 'Roz',
  UPR: 'Upr',
  KOR_ZAL: 'KorZal',
  KOR_ROZ: 'KorRoz',
}

const THIRD_PARTY_ROLES: Record<string, number> = {
  factor: 1,
  recipient: 2,
  originalEntity: 3,
  additionalBuyer: 4,
  issuer: 5,
  payer: 6,
  jstIssuer: 7,
  jstRecipient: 8,
  vatGroupIssuer: 9,
  vatGroupRecipient: 10,
  employee: 11,
}

const AUTHORIZED_ROLES: Record<string, number> = { enforcementAuthority: 1, bailiff: 2, taxRepresentative: 3 }

type PartyId =
  | { kind: 'nip'; nip: string }
  | { kind: 'internal'; internalId: string }
  | { kind: 'eu'; countryCode: string; vatNumber: string }
  | { kind: 'foreign'; countryCode?: string; taxId: string }
  | { kind: 'none' }

function identifier(id: PartyId): { type: string; value?: string } {
  switch (id.kind) {
    case 'nip':
      return { type: 'Nip', value: id.nip }
    case 'internal':
      return { type: 'InternalId', value: id.internalId }
    case 'eu':
      return { type: 'VatUe', value: `${id.countryCode}${id.vatNumber}` }
    case 'foreign':
      return { type: 'Other', value: `${id.countryCode ?? ''}${id.taxId}` }
    case 'none':
      return { type: 'None' }
  }
}

/**
 * Net and VAT totals of an invoice (sums of every P_13_x / P_14_x), exact decimal strings.
 *
 * @example
 * ```ts
 * invoiceTotals(invoice) // { net: '100.00', vat: '23.00', gross: '123.00' }
 * ```
 */
export function invoiceTotals(invoice: Invoice): { net: string; vat: string; gross: string } {
  const t = invoice.details.totals
  const rated = [t.standard, t.reduced, t.superReduced, t.taxi]
  const net = sumAmounts([
    ...rated.map((rate) => rate?.net),
    t.oss?.net,
    t.zeroDomestic,
    t.zeroIntraEu,
    t.zeroExport,
    t.exempt,
    t.outsideCountry,
    t.euServices,
    t.reverseCharge,
    t.margin,
  ])
  const vat = sumAmounts([...rated.map((rate) => rate?.vat), t.oss?.vat])
  return { net, vat, gross: sumAmounts([t.totalDue]) }
}

/**
 * The metadata of an accepted invoice.
 *
 * @example
 * ```ts
 * const metadata = invoiceMetadata(invoice, { ksefNumber, invoiceHash, invoicingDate, acquisitionDate, permanentStorageDate, invoicingMode: 'Online' })
 * ```
 */
export function invoiceMetadata(
  invoice: Invoice,
  facts: {
    ksefNumber: string
    invoiceHash: string
    invoicingDate: string
    acquisitionDate: string
    permanentStorageDate: string
    invoicingMode: 'Online' | 'Offline'
    hashOfCorrectedInvoice?: string | undefined
  },
): Record<string, unknown> {
  const totals = invoiceTotals(invoice)
  const buyer = invoice.buyer as unknown as { id: PartyId; name?: string }
  const thirdParties = (invoice.thirdParties ?? []) as unknown as { id: PartyId; name?: string; role?: string }[]
  const authorized = invoice.authorizedParty as unknown as { nip: string; name: string; role: string } | undefined
  return {
    ksefNumber: facts.ksefNumber,
    invoiceNumber: invoice.details.number,
    issueDate: invoice.details.issueDate,
    invoicingDate: facts.invoicingDate,
    acquisitionDate: facts.acquisitionDate,
    permanentStorageDate: facts.permanentStorageDate,
    seller: { nip: invoice.seller.nip, name: invoice.seller.name },
    buyer: { identifier: identifier(buyer.id), ...(buyer.name ? { name: buyer.name } : {}) },
    netAmount: Number(totals.net),
    grossAmount: Number(totals.gross),
    vatAmount: Number(totals.vat),
    currency: invoice.details.currency,
    invoicingMode: facts.invoicingMode,
    invoiceType: API_INVOICE_TYPE[invoice.details.type] ?? 'Vat',
    formCode: { systemCode: 'FA (3)', schemaVersion: '1-0E', value: 'FA' },
    isSelfInvoicing: invoice.details.annotations.selfBilling,
    hasAttachment: invoice.attachment !== undefined,
    invoiceHash: facts.invoiceHash,
    ...(facts.hashOfCorrectedInvoice ? { hashOfCorrectedInvoice: facts.hashOfCorrectedInvoice } : {}),
    thirdSubjects: thirdParties.map((party) => ({
      identifier: identifier(party.id),
      ...(party.name ? { name: party.name } : {}),
      role: THIRD_PARTY_ROLES[party.role ?? ''] ?? 0,
    })),
    ...(authorized
      ? {
          authorizedSubject: {
            nip: authorized.nip,
            name: authorized.name,
            role: AUTHORIZED_ROLES[authorized.role] ?? 0,
          },
        }
      : {}),
  }
}

/**
 * NIPs of the parties (for the incoming side: who may see the invoice).
 *
 * @example
 * ```ts
 * partyNips(invoice) // { buyer: '7352765225', third: [] }
 * ```
 */
export function partyNips(invoice: Invoice): { buyer?: string; third: string[]; authorized?: string } {
  const buyer = (invoice.buyer as unknown as { id: PartyId }).id
  const third = ((invoice.thirdParties ?? []) as unknown as { id: PartyId }[])
    .map((party) =>
      party.id.kind === 'nip'
        ? party.id.nip
        : party.id.kind === 'internal'
          ? party.id.internalId.slice(0, 10)
          : undefined,
    )
    .filter((nip): nip is string => nip !== undefined)
  const authorized = (invoice.authorizedParty as unknown as { nip: string } | undefined)?.nip
  return {
    ...(buyer.kind === 'nip' ? { buyer: buyer.nip } : {}),
    third,
    ...(authorized ? { authorized } : {}),
  }
}
