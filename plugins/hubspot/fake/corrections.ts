/**
 * How the fake's portal models a correction (a KSeF `KOR`), in this one place. HubSpot's API has no credit-note
 * object [R (a)] and credit memos have no API in SDK 14 [N §4], so a Polish portal issues a correction as an
 * invoice of its own: lines with the difference (negative quantities for a credit), and a custom invoice property,
 * created by the portal's administrator, holding the HubSpot id of the invoice it corrects, with another for the
 * reason. VERIFY all of it against the portals the hub serves: property names are settings of the fake
 * (`correctionProperty`), and a portal might refuse negative quantities (then a negative price is the way).
 *
 * @module
 */
import type { PropertyInput } from './schema.ts'

/** The default name of the property naming the corrected invoice (its HubSpot record id). */
export const DEFAULT_CORRECTION_PROPERTY = 'corrected_invoice_id'
/** The property holding the correction's reason (`PrzyczynaKorekty`). */
export const CORRECTION_REASON_PROPERTY = 'correction_reason'

/**
 * The invoice properties a portal with corrections has (created before any data, as an admin would).
 *
 * @example
 * ```ts
 * for (const input of correctionProperties('corrected_invoice_id')) schema.createProperty('invoices', input, now)
 * ```
 */
export function correctionProperties(name: string): PropertyInput[] {
  return [
    {
      name,
      label: 'Corrected invoice (record ID)',
      type: 'string',
      fieldType: 'text',
      groupName: 'invoiceinformation',
      description: 'For a correction: the record ID of the invoice it corrects',
    },
    {
      name: CORRECTION_REASON_PROPERTY,
      label: 'Correction reason',
      type: 'string',
      fieldType: 'textarea',
      groupName: 'invoiceinformation',
    },
  ]
}

/** The reasons the seeder gives its corrections. */
export const CORRECTION_REASONS: readonly string[] = [
  'Rabat udzielony po wystawieniu faktury',
  'Zwrot części towaru',
  'Błędna cena jednostkowa',
]
