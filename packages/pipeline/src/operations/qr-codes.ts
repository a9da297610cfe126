/**
 * The QR code links of an invoice: KOD I (always), and KOD II for an invoice issued in offline mode (signed
 * with the tenant's offline certificate).
 *
 * @module
 */
import { invoiceQrLinkForHash, qrLabel } from '@ksef-hub/fa3'
import { certificateQrLink, KSEF_ENVIRONMENTS, nipContext } from '@ksef-hub/ksef-client'
import type { PipelineContext } from '../context.ts'
import { getInvoice } from '../invoices/queries.ts'
import { getTenant } from '../tenants/tenants.ts'
import { offlineCertificate } from './offline-certificate.ts'

/** The QR links of an invoice. */
export interface QrCodes {
  /** Verification of the invoice (KOD I), with the label printed under it. */
  readonly invoice: { readonly url: string; readonly label: string } | null
  /** Verification of the issuer's offline certificate (KOD II), for invoices issued offline. */
  readonly certificate: { readonly url: string; readonly label: 'CERTYFIKAT' } | null
}

/**
 * The QR links of a tenant's invoice (null while the invoice's XML is not built yet).
 *
 * @example
 * ```ts
 * const { invoice, certificate } = await invoiceQrCodes(context, 'acme', id)
 * ```
 */
export async function invoiceQrCodes(context: PipelineContext, tenantId: string, invoiceId: string): Promise<QrCodes> {
  const view = await getInvoice(context.db, tenantId, invoiceId)
  const row = await context.db
    .selectFrom('invoices')
    .select(['invoice_hash', 'xml'])
    .where('id', '=', invoiceId)
    .executeTakeFirstOrThrow()
  if (!row.invoice_hash || !row.xml) return { invoice: null, certificate: null }
  const tenant = await getTenant(context.db, tenantId)
  const invoice = {
    url: invoiceQrLinkForHash(tenant.environment, view.sellerNip, view.issueDate, row.invoice_hash),
    label: qrLabel(view.ksefNumber ?? undefined),
  }
  if (!view.offline) return { invoice, certificate: null }
  const stored = await offlineCertificate(context, tenantId)
  if (!stored) return { invoice, certificate: null }
  const { certificate, privateKey } = stored
  const url = certificateQrLink({
    qrBaseUrl: KSEF_ENVIRONMENTS[tenant.environment].qrBaseUrl,
    context: nipContext(tenant.nip),
    sellerNip: view.sellerNip,
    invoice: new Uint8Array(row.xml),
    certificate,
    privateKey,
  })
  return { invoice, certificate: { url, label: 'CERTYFIKAT' } }
}
