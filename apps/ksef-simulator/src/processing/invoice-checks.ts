/**
 * What KSeF verifies on each invoice, in its order: the file (readable XML, FA(3) XSD, size), attachments, the
 * right to issue for the seller, the semantics (model, issue date not after acceptance, NIP checksums when
 * configured as on PRD). Duplicates are checked by the processor, against the store.
 *
 * @module
 */
import { Fa3Error, formatIssue, type Invoice, isValidInternalId, isValidNip, parseInvoiceXml } from '@ksef-hub/fa3'
import type { ContextIdentifier } from '../auth/jwt.ts'
import { contextNip } from '../auth/permissions.ts'
import { warsawDay } from '../core/warsaw.ts'
import type { InvoiceStatus } from '../store/invoice-store.ts'
import { INVOICE_STATUS } from './statuses.ts'

/** Where and how an invoice arrived. */
export interface CheckContext {
  readonly invoicingDate: Date
  readonly context: ContextIdentifier
  readonly sessionType: 'Online' | 'Batch'
  readonly attachmentsAllowed: (nip: string) => boolean
  readonly nipChecksums: boolean
  /** Limit without an attachment (KSeF: 1,000,000 bytes). */
  readonly maxBytes: number
  /** Limit with an attachment (KSeF: 3,000,000 bytes). */
  readonly maxBytesWithAttachment: number
}

/** The outcome: the parsed invoice, or the status it fails with. */
export type CheckOutcome = { ok: true; invoice: Invoice } | { ok: false; status: InvoiceStatus; invoice?: Invoice }

const MAX_DETAILS = 20

function nipIssues(invoice: Invoice): string[] {
  const issues: string[] = []
  if (!isValidNip(invoice.seller.nip))
    issues.push(`Podmiot1: NIP ${invoice.seller.nip} ma nieprawidłową sumę kontrolną.`)
  const buyer = invoice.buyer.id as { kind: string; nip?: string }
  if (buyer.kind === 'nip' && buyer.nip && !isValidNip(buyer.nip)) {
    issues.push(`Podmiot2: NIP ${buyer.nip} ma nieprawidłową sumę kontrolną.`)
  }
  ;(invoice.thirdParties ?? []).forEach((party, index) => {
    const id = party.id as { kind: string; nip?: string; internalId?: string }
    if (id.kind === 'nip' && id.nip && !isValidNip(id.nip)) {
      issues.push(`Podmiot3[${index + 1}]: NIP ${id.nip} ma nieprawidłową sumę kontrolną.`)
    }
    if (id.kind === 'internal' && id.internalId && !isValidInternalId(id.internalId)) {
      issues.push(`Podmiot3[${index + 1}]: IDWew ${id.internalId} ma nieprawidłową sumę kontrolną.`)
    }
  })
  const authorized = invoice.authorizedParty as { nip: string } | undefined
  if (authorized && !isValidNip(authorized.nip)) {
    issues.push(`PodmiotUpowazniony: NIP ${authorized.nip} ma nieprawidłową sumę kontrolną.`)
  }
  return issues
}

/**
 * Checks one decrypted invoice.
 *
 * @example
 * ```ts
 * const outcome = checkInvoice(xmlBytes, { invoicingDate: new Date(), context, sessionType: 'Online', ... })
 * ```
 */
export function checkInvoice(bytes: Uint8Array, at: CheckContext): CheckOutcome {
  let invoice: Invoice
  try {
    invoice = parseInvoiceXml(bytes, { maxBytes: at.maxBytesWithAttachment })
  } catch (error) {
    if (!(error instanceof Fa3Error))
      return { ok: false, status: INVOICE_STATUS.unknown('Nie udało się przetworzyć faktury.') }
    const details = error.issues.slice(0, MAX_DETAILS).map(formatIssue)
    if (error.code === 'FA3_MODEL_INVALID') return { ok: false, status: INVOICE_STATUS.semantic(details) }
    return { ok: false, status: INVOICE_STATUS.file(details) }
  }
  if (!invoice.attachment && bytes.length > at.maxBytes) {
    return {
      ok: false,
      invoice,
      status: INVOICE_STATUS.file([
        `Rozmiar faktury ${bytes.length} B przekracza dopuszczalny rozmiar ${at.maxBytes} B (faktura bez załącznika).`,
      ]),
    }
  }
  if (invoice.attachment) {
    if (at.sessionType === 'Online') {
      return {
        ok: false,
        invoice,
        status: INVOICE_STATUS.attachment('Faktury z załącznikiem można wysyłać tylko w sesji wsadowej.'),
      }
    }
    if (!at.attachmentsAllowed(invoice.seller.nip)) {
      return {
        ok: false,
        invoice,
        status: INVOICE_STATUS.attachment(
          `Podmiot ${invoice.seller.nip} nie zgłosił zamiaru wysyłania faktur z załącznikiem.`,
        ),
      }
    }
  }
  const nip = contextNip(at.context)
  if (nip !== invoice.seller.nip) {
    return {
      ok: false,
      invoice,
      status: INVOICE_STATUS.permission(
        `Brak uprawnień do wystawienia faktury w imieniu podmiotu ${invoice.seller.nip} w kontekście ${at.context.type} ${at.context.value}.`,
      ),
    }
  }
  const semantic: string[] = []
  const acceptanceDay = warsawDay(at.invoicingDate)
  if (invoice.details.issueDate > acceptanceDay) {
    semantic.push(
      `Data wystawienia faktury (P_1) ${invoice.details.issueDate} jest późniejsza niż data przyjęcia faktury ${acceptanceDay}.`,
    )
  }
  if (at.nipChecksums) semantic.push(...nipIssues(invoice))
  if (semantic.length) return { ok: false, invoice, status: INVOICE_STATUS.semantic(semantic.slice(0, MAX_DETAILS)) }
  return { ok: true, invoice }
}
