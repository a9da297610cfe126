/**
 * The canonical model of a Polish e-invoice, FA(3): the one place that defines what an invoice is in the hub.
 *
 * @module
 */
import type { z } from 'zod'
import { ABSENT, REFUSED } from '../mapping/check.ts'
import { child, el, fixed, obj } from '../mapping/dsl.ts'
import { dateTime } from './dates.ts'
import { details } from './details.ts'
import { attachment, footer } from './footer.ts'
import { authorizedParty, buyer, seller, thirdParty } from './parties.ts'
import { token } from './values.ts'

/** XML namespace of FA(3) (schema 1-0E). */
export const FA3_NAMESPACE = 'http://crd.gov.pl/wzor/2025/06/25/13775/'
/** The form code KSeF expects when a session is opened for FA(3). */
export const FA3_FORM_CODE = { systemCode: 'FA (3)', schemaVersion: '1-0E', value: 'FA' } as const

const header = obj({
  $formCode: fixed('KodFormularza', 'FA', { kodSystemowy: 'FA (3)', wersjaSchemy: '1-0E' }),
  $variant: fixed('WariantFormularza', '3'),
  createdAt: el('DataWytworzeniaFa', dateTime('2025-09-01T00:00:00Z', '2050-01-01T23:59:59Z')),
  systemInfo: el('SystemInfo', token(1, 256)).optional(),
})

/**
 * An FA(3) invoice (Faktura). Parse any input with {@link parseInvoiceModel} (or `invoiceSchema.safeParse(json)`).
 *
 * @example
 * ```ts
 * const result = invoiceSchema.safeParse(json)
 * if (result.success) console.log(result.data.details.number)
 * ```
 */
export const invoice = obj({
  header: child('Naglowek', header),
  seller: child('Podmiot1', seller),
  buyer: child('Podmiot2', buyer),
  thirdParties: child('Podmiot3', thirdParty).many(100),
  authorizedParty: child('PodmiotUpowazniony', authorizedParty).optional(),
  details: child('Fa', details),
  footer: child('Stopka', footer).optional(),
  attachment: child('Zalacznik', attachment).optional(),
})

/** The zod schema of an invoice. */
export const invoiceSchema = invoice.zod
/** The XML plan of the root element `Faktura`. */
export const invoicePlan = invoice.plan

/** An invoice as the hub holds it (after defaults are applied). */
export type Invoice = z.output<typeof invoiceSchema>
/** An invoice as a client may send it (defaults may be left out). */
export type InvoiceInput = z.input<typeof invoiceSchema>

/**
 * Parses an invoice model as `invoiceSchema.safeParse` does, with the same result and the same errors, faster for
 * valid input: the model's fast check (compiled by the mapping DSL from the same declarations) vouches for it
 * first, and zod decides, and names the problems, only where the check does not.
 *
 * @example
 * ```ts
 * const parsed = parseInvoiceModel(JSON.parse(body))
 * if (!parsed.success) console.log(parsed.error.issues)
 * ```
 */
export function parseInvoiceModel(input: unknown): z.ZodSafeParseResult<Invoice> {
  const checked = invoice.check(input)
  if (checked !== REFUSED && checked !== ABSENT) return { success: true, data: checked as Invoice }
  return invoiceSchema.safeParse(input)
}
