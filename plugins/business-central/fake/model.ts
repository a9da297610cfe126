/**
 * The shape of every entity the fake serves, read from `contract/bc-api-v2.0-entities.json` (field lists,
 * editability and types from the APIV2 AL pages and Microsoft Learn), and how a stored row becomes the JSON BC
 * answers: every field of the page, blanks as AL has them (`""`, the empty GUID, `0001-01-01`), amounts as JSON
 * numbers, `@odata.etag` on every entity, streams as media links.
 *
 * @module
 */
import { readFileSync } from 'node:fs'
import { BLANK, ENUMS, STREAMS_AS_MEDIA_LINKS } from './facts.ts'
import { decimalJson } from './json.ts'

/** How a field is typed on the wire. */
export type FieldKind = 'guid' | 'string' | 'decimal' | 'integer' | 'date' | 'datetime' | 'boolean' | 'enum' | 'stream'

/** One field of an entity. */
export interface FieldSpec {
  readonly name: string
  readonly kind: FieldKind
  readonly editable: boolean
  /** For enums: the values, the first one BC's blank. */
  readonly values?: readonly string[]
  /** Only a posted document may change it (AL `TestField(Posted)`). */
  readonly onlyOnPosted: boolean
}

/** One entity set. */
export interface EntitySpec {
  /** The entity set (`salesInvoices`). */
  readonly set: string
  /** The entity type (`salesInvoice`), as in `Microsoft.NAV.salesInvoice`. */
  readonly type: string
  /** The AL source table, as BC names records in messages. */
  readonly table: string
  readonly fields: readonly FieldSpec[]
  readonly field: ReadonlyMap<string, FieldSpec>
}

/** A stored value: decimals as decimal strings, integers as numbers. */
export type Value = string | number | boolean
/** A stored entity, by field name (absent fields are blank). */
export type Row = Record<string, Value>

interface EntityJson {
  readonly al?: { readonly EntityName?: string; readonly SourceTable?: string }
  readonly fields: readonly {
    readonly name: string
    readonly docsType: string | null
    readonly editable?: boolean
    readonly onlyOnPosted?: boolean
  }[]
}

const KINDS: Readonly<Record<string, FieldKind>> = {
  GUID: 'guid',
  string: 'string',
  decimal: 'decimal',
  integer: 'integer',
  int64: 'integer',
  date: 'date',
  datetime: 'datetime',
  boolean: 'boolean',
  stream: 'stream',
}

function specOf(set: string, type: string, table: string, json: EntityJson): EntitySpec {
  const fields = json.fields.map((field): FieldSpec => {
    const docsType = field.docsType ?? 'string'
    const values = ENUMS[docsType]
    return {
      name: field.name,
      kind: values ? 'enum' : (KINDS[docsType] ?? 'string'),
      editable: field.editable !== false,
      ...(values ? { values } : {}),
      onlyOnPosted: field.onlyOnPosted === true,
    }
  })
  return { set, type, table, fields, field: new Map(fields.map((field) => [field.name, field])) }
}

const table = JSON.parse(readFileSync(new URL('./contract/bc-api-v2.0-entities.json', import.meta.url), 'utf8')) as {
  entities: Record<string, EntityJson>
}

/** The entity sets the fake serves. */
export type EntitySet =
  | 'companies'
  | 'companyInformation'
  | 'salesInvoices'
  | 'salesInvoiceLines'
  | 'salesCreditMemos'
  | 'salesCreditMemoLines'
  | 'purchaseInvoices'
  | 'purchaseInvoiceLines'
  | 'customers'
  | 'vendors'
  | 'currencies'
  | 'documentAttachments'
  | 'subscriptions'
  | 'currencyExchangeRates'

const SPECIAL: Partial<Record<EntitySet, { type: string; table: string }>> = {
  companies: { type: 'company', table: 'Company' },
  subscriptions: { type: 'subscriptions', table: 'API Webhook Subscription' },
}

function fromTable(set: Exclude<EntitySet, 'currencyExchangeRates'>): EntitySpec {
  const json = table.entities[set]
  if (!json) throw new Error(`contract/bc-api-v2.0-entities.json has no entity set ${set}`)
  const special = SPECIAL[set]
  const type = special?.type ?? json.al?.EntityName ?? set
  const source = special?.table ?? (json.al?.SourceTable ?? set).replaceAll('"', '')
  return specOf(set, type, source, json)
}

/** Every entity set's spec. `currencyExchangeRates` is not in the table: its fields are Microsoft Learn's. */
export const ENTITIES: Readonly<Record<EntitySet, EntitySpec>> = {
  companies: fromTable('companies'),
  companyInformation: fromTable('companyInformation'),
  salesInvoices: fromTable('salesInvoices'),
  salesInvoiceLines: fromTable('salesInvoiceLines'),
  salesCreditMemos: fromTable('salesCreditMemos'),
  salesCreditMemoLines: fromTable('salesCreditMemoLines'),
  purchaseInvoices: fromTable('purchaseInvoices'),
  purchaseInvoiceLines: fromTable('purchaseInvoiceLines'),
  customers: fromTable('customers'),
  vendors: fromTable('vendors'),
  currencies: fromTable('currencies'),
  documentAttachments: fromTable('documentAttachments'),
  subscriptions: fromTable('subscriptions'),
  currencyExchangeRates: specOf('currencyExchangeRates', 'currencyExchangeRate', 'Currency Exchange Rate', {
    fields: [
      { name: 'id', docsType: 'GUID', editable: false },
      { name: 'currencyCode', docsType: 'string' },
      { name: 'startingDate', docsType: 'date' },
      { name: 'exchangeRateAmount', docsType: 'decimal' },
      { name: 'relationalCurrencyCode', docsType: 'string' },
      { name: 'relationalExchangeRateAmount', docsType: 'decimal' },
      { name: 'lastModifiedDateTime', docsType: 'datetime', editable: false },
    ],
  }),
}

/**
 * The value a field of a row has, blanks filled in as BC answers them.
 *
 * @example
 * ```ts
 * fieldValue(ENTITIES.salesInvoices.field.get('promisedPayDate')!, {}) // '0001-01-01'
 * ```
 */
export function fieldValue(field: FieldSpec, row: Row): Value {
  const value = row[field.name]
  if (value !== undefined) return value
  switch (field.kind) {
    case 'guid':
      return BLANK.guid
    case 'date':
      return BLANK.date
    case 'datetime':
      return BLANK.datetime
    case 'decimal':
      return '0'
    case 'integer':
      return 0
    case 'boolean':
      return false
    case 'enum':
      return field.values?.[0] ?? ''
    default:
      return ''
  }
}

/** How one entity is written: its ETag and where its streams are read from. */
export interface RenderOptions {
  readonly etag: string
  /** The entity's own URL, for the stream properties' media links. */
  readonly self?: string
  /** `$select`: only these fields. */
  readonly select?: readonly string[]
}

/**
 * A stored row as the JSON BC answers (`@odata.etag` first, then the page's fields in the page's order).
 *
 * @example
 * ```ts
 * JSON.stringify(render(ENTITIES.vendors, row, { etag: 'W/"JzE5OzE7MDA7Jw=="' }))
 * ```
 */
export function render(spec: EntitySpec, row: Row, options: RenderOptions): Record<string, unknown> {
  const out: Record<string, unknown> = { '@odata.etag': options.etag }
  for (const field of spec.fields) {
    if (options.select && !options.select.includes(field.name)) continue
    if (field.kind === 'stream') {
      if (STREAMS_AS_MEDIA_LINKS && options.self) {
        out[`${field.name}@odata.mediaEditLink`] = `${options.self}/${field.name}`
        out[`${field.name}@odata.mediaReadLink`] = `${options.self}/${field.name}`
      }
      continue
    }
    const value = fieldValue(field, row)
    out[field.name] = field.kind === 'decimal' ? decimalJson(String(value)) : value
  }
  return out
}

/**
 * An ETag as BC writes them: weak, base64 of a row version.
 *
 * @example
 * ```ts
 * etagOf(3) // 'W/"JzIwOzEyMzQ1Njc4OTAxMjM0NTY3ODkwMzswMDsn"'
 * ```
 */
export function etagOf(version: number, seed = 0): string {
  const digits = String(12_345_678_901_234_567_890n + BigInt(seed) * 1_000_000n + BigInt(version))
  return `W/"${Buffer.from(`'${digits.length};${digits};00;'`).toString('base64')}"`
}

/**
 * A customer's or vendor's address as a document copies it, under the document's prefix (`sellTo`, `billTo`,
 * `buyFrom`, `payTo`): BC copies the card's address into the document when it is made.
 *
 * @example
 * ```ts
 * addressFields('billTo', customer.row) // { billToAddressLine1: 'ul. Prosta 1', …, billToPostCode: '00-001' }
 * ```
 */
export function addressFields(prefix: string, card: Row): Row {
  return {
    [`${prefix}AddressLine1`]: card.addressLine1 ?? '',
    [`${prefix}AddressLine2`]: card.addressLine2 ?? '',
    [`${prefix}City`]: card.city ?? '',
    [`${prefix}Country`]: card.country ?? '',
    [`${prefix}State`]: card.state ?? '',
    [`${prefix}PostCode`]: card.postalCode ?? '',
  }
}
