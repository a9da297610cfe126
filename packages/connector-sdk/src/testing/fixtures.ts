/**
 * What the kit hands a connector in place of KSeF: valid KSeF numbers, a write-back result with a UPO and a
 * verification link, a purchase invoice for the fake's tenant with its FA(3) XML, and the creation time the hub
 * fills in before it validates a mapped invoice.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import {
  buildInvoiceBytes,
  createdAtOf,
  formatKsefNumber,
  type InvoiceInput,
  invoiceQrLinkForHash,
  parseInvoiceXml,
  warsawDay,
  withDefaultHeader,
} from '@ksef-hub/fa3'
import { typicalInvoice } from '@ksef-hub/fa3/testing'
import type { TenantInfo } from '../contract/context.ts'
import type { IncomingDocument, WriteBackResult } from '../contract/documents.ts'

const digest = (seed: string) => createHash('sha256').update(seed).digest()

/**
 * A valid KSeF number (format and CRC-8) of an invoice of `sellerNip`, different for each `seed`.
 *
 * @example
 * ```ts
 * ksefNumberFor('5265877635', '2026-11-20', 'inv-1') // '5265877635-20261120-…-…'
 * ```
 */
export function ksefNumberFor(sellerNip: string, day: string, seed: string): string {
  return formatKsefNumber(sellerNip, day, digest(seed).toString('hex').slice(0, 12))
}

/** What the kit knows of the invoice a document became. */
export interface SentAs {
  readonly number: string
  readonly type: string
  readonly issueDate: string
}

/**
 * KSeF's answer for the invoice made of document `ref`, as the hub hands it to `writeBack`.
 *
 * @example
 * ```ts
 * const result = writeBackResultFor(fake.tenant, 'inv-1', { number: 'FV/1', type: 'VAT', issueDate: '2026-11-20' })
 * await connector.writeBack(context, { ref: 'inv-1' }, result)
 * ```
 */
export function writeBackResultFor(tenant: TenantInfo, ref: string, sent: SentAs, now = new Date()): WriteBackResult {
  const ksefNumber = ksefNumberFor(tenant.nip, warsawDay(now), `write-back ${ref}`)
  const upo = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Potwierdzenie xmlns="http://upo.schematy.mf.gov.pl/KSeF/v4-3">',
    `<NumerKSeFDokumentu>${ksefNumber}</NumerKSeFDokumentu>`,
    `<NumerFaktury>${sent.number.replaceAll('&', '&amp;').replaceAll('<', '&lt;')}</NumerFaktury>`,
    '</Potwierdzenie>',
  ].join('')
  return {
    invoiceId: `conformance-${ref}`,
    ksefNumber,
    acquisitionDate: now,
    upoXml: new TextEncoder().encode(upo),
    verificationUrl: invoiceQrLinkForHash('test', tenant.nip, sent.issueDate, digest(ref).toString('base64url')),
    invoiceNumber: sent.number,
    invoiceType: sent.type,
  }
}

/**
 * The seller of the kit's purchase invoice when the fake names none: a valid NIP that is not the tenant's.
 *
 * @example
 * ```ts
 * defaultSupplierNip({ id: 't', nip: '5265877635', name: 'Acme' }) // '7010002139'
 * ```
 */
export function defaultSupplierNip(tenant: TenantInfo): string {
  return tenant.nip === '7010002139' ? '5265877635' : '7010002139'
}

/**
 * A purchase invoice received from KSeF whose buyer is the tenant, as the hub hands it to `importIncoming`.
 *
 * @example
 * ```ts
 * const incoming = incomingInvoiceFor(fake.tenant, '7010002139', 'FZ/2026/1')
 * await connector.importIncoming(context, incoming)
 * ```
 */
export function incomingInvoiceFor(
  tenant: TenantInfo,
  supplierNip: string,
  number: string,
  now = new Date(),
): IncomingDocument {
  const issueDate = warsawDay(now)
  const invoice = typicalInvoice({ lines: 3, number, sellerNip: supplierNip, buyerNip: tenant.nip, issueDate })
  const xml = buildInvoiceBytes(invoice)
  return {
    ksefNumber: ksefNumberFor(supplierNip, issueDate, `incoming ${number}`),
    sellerNip: supplierNip,
    sellerName: invoice.seller.name,
    invoiceNumber: number,
    invoiceType: invoice.details.type,
    issueDate,
    currency: invoice.details.currency,
    grossAmount: invoice.details.totals.totalDue,
    xml,
    invoice: parseInvoiceXml(xml),
  }
}

/**
 * The invoice with `header.createdAt` set to now (whole seconds, UTC) when the connector left it out, as the hub
 * sets it before building the XML (fa3's {@link withDefaultHeader}, the one place that does).
 *
 * @example
 * ```ts
 * validateInvoice(withCreatedAt(mapped.invoice, new Date()))
 * ```
 */
export function withCreatedAt(invoice: InvoiceInput, now: Date): InvoiceInput {
  return withDefaultHeader(invoice, createdAtOf(now)) as InvoiceInput
}
