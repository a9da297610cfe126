/**
 * What a pulled HubSpot invoice carries into the hub (`SourceDocument.data`): the invoice, its line items, its
 * buyer (the associated company, else contact), the tax-rate groups its lines name, and for a correction the
 * invoice it corrects. Read whole during the pull so `map` is a function of this, the settings and the hub lookup.
 *
 * @module
 */
import { z } from 'zod'

/** A CRM object as HubSpot answers it: its record id and its properties (every value text, or null). */
export const crmObject = z.object({
  id: z.string().min(1),
  properties: z.record(z.string(), z.string().nullable()),
})

/** A CRM object. */
export type CrmObject = z.output<typeof crmObject>

/** A tax-rate group of the portal's tax library (`/tax-rates/v1/tax-rates/{id}`). */
export const taxRateGroup = z.object({
  id: z.string(),
  name: z.string().nullish(),
  label: z.string().nullish(),
  percentageRate: z.union([z.number(), z.string()]).nullish(),
  active: z.boolean().nullish(),
})

/** A tax-rate group. */
export type TaxRateGroup = z.output<typeof taxRateGroup>

/** A pulled invoice and what its mapping needs. */
export const documentData = z.object({
  invoice: crmObject,
  lines: z.array(crmObject),
  company: crmObject.nullable(),
  contact: crmObject.nullable(),
  /** The tax-rate groups the lines name, by id (absent when the portal has no such group any more). */
  taxRates: z.record(z.string(), taxRateGroup),
  /** The invoice a correction names (`null`: it names one HubSpot does not have). */
  original: crmObject.nullable().optional(),
})

/** A pulled invoice's data. */
export type DocumentData = z.output<typeof documentData>

/**
 * A CRM object of the SDK's answer as plain data (the SDK's models carry `Date`s and more than `map` needs).
 *
 * @example
 * ```ts
 * plain({ id: '42', properties: { hs_number: 'INV-1' }, createdAt: new Date() }) // { id: '42', properties: { hs_number: 'INV-1' } }
 * ```
 */
export function plain(record: { id: string; properties: Record<string, string | null> }): CrmObject {
  return { id: record.id, properties: { ...record.properties } }
}
