/**
 * The properties a portal starts with, per object type, as `GET /crm/v3/properties/{objectType}` lists them (the
 * index's `Property` shape [I]). Names come from the README and notes [R (b)] [N §4] and public integrations'
 * code [C]; types, groups, read-only flags and the default properties of reads are ours to VERIFY against a live
 * portal (`GET /crm/v3/properties/invoices`, which the README asks for).
 *
 * @module
 */
import type { ObjectType } from './facts.ts'

/** A property's type and field type [I `PropertyCreate`]. */
export type PropertyType = 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool' | 'phone_number'

/** One option of an enumeration [I `Option`]. */
export interface PropertyOption {
  readonly label: string
  readonly value: string
  readonly hidden: boolean
  readonly displayOrder: number
  readonly description?: string
}

/** A property definition as the fake holds it. */
export interface PropertyDef {
  readonly name: string
  readonly label: string
  readonly type: PropertyType
  readonly fieldType: string
  readonly groupName: string
  readonly description: string
  readonly options: readonly PropertyOption[]
  /** HubSpot's own property (not one the portal or an app created). */
  readonly hubspotDefined: boolean
  /** The value cannot be written through the API (calculated or set by HubSpot). */
  readonly readOnlyValue: boolean
  readonly calculated: boolean
  readonly hasUniqueValue: boolean
  readonly displayOrder: number
  readonly createdAt: string
}

/** A property group [I `PropertyGroup`]. */
export interface PropertyGroupDef {
  readonly name: string
  readonly label: string
  readonly displayOrder: number
}

/** The group HubSpot's own properties of a type sit in (invoices: `invoiceinformation`, VERIFY [R (c)]). */
export const DEFAULT_GROUPS: Readonly<Record<ObjectType, PropertyGroupDef>> = {
  invoices: { name: 'invoiceinformation', label: 'Invoice information', displayOrder: -1 },
  line_items: { name: 'lineiteminformation', label: 'Line item information', displayOrder: -1 },
  companies: { name: 'companyinformation', label: 'Company information', displayOrder: -1 },
  contacts: { name: 'contactinformation', label: 'Contact information', displayOrder: -1 },
  notes: { name: 'engagement', label: 'Engagement information', displayOrder: -1 },
}

/** The names of an object's creation and modification stamps (VERIFY per type: contacts use `lastmodifieddate`). */
export const STAMPS: Readonly<Record<ObjectType, { readonly created: string; readonly modified: string }>> = {
  invoices: { created: 'hs_createdate', modified: 'hs_lastmodifieddate' },
  line_items: { created: 'createdate', modified: 'hs_lastmodifieddate' },
  companies: { created: 'createdate', modified: 'hs_lastmodifieddate' },
  contacts: { created: 'createdate', modified: 'lastmodifieddate' },
  notes: { created: 'hs_createdate', modified: 'hs_lastmodifieddate' },
}

/** What a read answers when it names no `properties` (VERIFY each list). */
export const DEFAULT_PROPERTIES: Readonly<Record<ObjectType, readonly string[]>> = {
  invoices: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  line_items: ['createdate', 'hs_lastmodifieddate', 'hs_object_id', 'name', 'price', 'quantity'],
  companies: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
  contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  notes: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
}

/** `hs_invoice_status` values [N §4]. */
export const INVOICE_STATUSES = ['draft', 'open', 'paid', 'voided'] as const

const FIELD_TYPES: Readonly<Record<PropertyType, string>> = {
  string: 'text',
  number: 'number',
  date: 'date',
  datetime: 'date',
  enumeration: 'select',
  bool: 'booleancheckbox',
  phone_number: 'phonenumber',
}

type Flags = { readonly ro?: true; readonly calc?: true; readonly unique?: true; readonly options?: readonly string[] }

function declare(type: ObjectType, list: readonly (readonly [string, PropertyType, string, Flags?])[]): PropertyDef[] {
  return list.map(([name, propertyType, label, flags = {}], index) => ({
    name,
    label,
    type: propertyType,
    fieldType: flags.calc ? 'calculation_equation' : FIELD_TYPES[propertyType],
    groupName: DEFAULT_GROUPS[type].name,
    description: '',
    options: (flags.options ?? []).map((value, order) => ({ label: value, value, hidden: false, displayOrder: order })),
    hubspotDefined: true,
    readOnlyValue: flags.ro === true || flags.calc === true,
    calculated: flags.calc === true,
    hasUniqueValue: flags.unique === true,
    displayOrder: index,
    createdAt: '2019-08-06T02:41:08.029Z',
  }))
}

const STAMP_PROPERTIES = (type: ObjectType): (readonly [string, PropertyType, string, Flags])[] => [
  ['hs_object_id', 'number', 'Record ID', { ro: true, unique: true }],
  [STAMPS[type].created, 'datetime', 'Create date', { ro: true }],
  [STAMPS[type].modified, 'datetime', 'Last modified date', { ro: true }],
]

/**
 * Every type's starting properties. Amounts HubSpot computes are read-only (VERIFY which).
 *
 * @example
 * ```ts
 * startingProperties().invoices.find((def) => def.name === 'hs_amount_billed')?.readOnlyValue // true
 * ```
 */
export function startingProperties(): Record<ObjectType, PropertyDef[]> {
  return {
    invoices: declare('invoices', [
      ...STAMP_PROPERTIES('invoices'),
      ['hs_number', 'string', 'Number', { ro: true }],
      ['hs_invoice_status', 'enumeration', 'Invoice status', { options: INVOICE_STATUSES }],
      ['hs_currency', 'string', 'Currency'],
      ['hs_invoice_date', 'datetime', 'Invoice date'],
      ['hs_due_date', 'datetime', 'Due date'],
      ['hs_title', 'string', 'Title'],
      ['hs_comments', 'string', 'Comments'],
      ['hs_tax_id', 'string', 'Tax ID'],
      ['hs_subtotal', 'number', 'Subtotal', { calc: true }],
      ['hs_tax', 'number', 'Tax', { calc: true }],
      ['hs_amount_billed', 'number', 'Amount billed', { calc: true }],
      ['hs_amount_paid', 'number', 'Amount paid', { ro: true }],
      ['hs_balance_due', 'number', 'Balance due', { calc: true }],
      ['hs_payment_date', 'datetime', 'Payment date', { ro: true }],
      ['hs_invoice_link', 'string', 'Invoice link', { ro: true }],
      // PLN per unit of a foreign currency, from the portal's exchange rates (VERIFY the name and that invoices have it).
      ['hs_exchange_rate', 'number', 'Exchange rate', { ro: true }],
    ]),
    line_items: declare('line_items', [
      ...STAMP_PROPERTIES('line_items'),
      ['name', 'string', 'Name'],
      ['description', 'string', 'Description'],
      ['quantity', 'number', 'Quantity'],
      ['price', 'number', 'Unit price'],
      ['amount', 'number', 'Net price', { calc: true }],
      ['hs_sku', 'string', 'SKU'],
      ['hs_discount_percentage', 'number', 'Discount percentage'],
      ['hs_tax_rate_group_id', 'string', 'Tax rate group ID'],
      ['hs_tax_amount', 'number', 'Tax amount', { calc: true }],
      ['hs_line_item_currency_code', 'string', 'Currency'],
    ]),
    companies: declare('companies', [
      ...STAMP_PROPERTIES('companies'),
      ['name', 'string', 'Company name'],
      ['domain', 'string', 'Company domain name'],
      ['address', 'string', 'Street address'],
      ['city', 'string', 'City'],
      ['zip', 'string', 'Postal code'],
      ['country', 'string', 'Country/Region'],
    ]),
    contacts: declare('contacts', [
      ...STAMP_PROPERTIES('contacts'),
      ['firstname', 'string', 'First name'],
      ['lastname', 'string', 'Last name'],
      ['email', 'string', 'Email'],
    ]),
    notes: declare('notes', [
      ...STAMP_PROPERTIES('notes'),
      ['hs_timestamp', 'datetime', 'Activity date'],
      ['hs_note_body', 'string', 'Note body'],
      ['hs_attachment_ids', 'string', 'Attached file IDs'],
      ['hubspot_owner_id', 'string', 'Activity assigned to'],
    ]),
  }
}

/** What a property create names (the index's `PropertyCreate`, checked). */
export interface PropertyInput {
  readonly name: string
  readonly label: string
  readonly type: PropertyType
  readonly fieldType: string
  readonly groupName: string
  readonly description?: string
  readonly options?: readonly PropertyOption[]
  readonly hasUniqueValue?: boolean
  readonly displayOrder?: number
}

/**
 * A property a portal or an app creates (`POST /crm/v3/properties/{objectType}`), as HubSpot would list it.
 *
 * @example
 * ```ts
 * customProperty({ name: 'nip', label: 'NIP', type: 'string', fieldType: 'text', groupName: 'companyinformation' }, now)
 * ```
 */
export function customProperty(input: PropertyInput, now: Date): PropertyDef {
  return {
    name: input.name,
    label: input.label,
    type: input.type,
    fieldType: input.fieldType,
    groupName: input.groupName,
    description: input.description ?? '',
    options: input.options ?? [],
    hubspotDefined: false,
    readOnlyValue: false,
    calculated: false,
    hasUniqueValue: input.hasUniqueValue ?? false,
    displayOrder: input.displayOrder ?? -1,
    createdAt: now.toISOString(),
  }
}
