/**
 * A page of invoices, read whole: their associations to line items, companies and contacts (associations v4, in
 * batches), those records (batch reads of at most 100), the tax-rate groups the lines name, and for corrections
 * the invoices they correct. A handful of calls per page, whatever its size, instead of several per invoice.
 *
 * @module
 */
import type { SourceDocument } from '@ksef-hub/connector-sdk'
import { type CrmObject, type DocumentData, plain, type TaxRateGroup, taxRateGroup } from './document-data.ts'
import { type HubSpotContext, hubspot, hubspotRequest } from './hubspot.ts'
import { invoicePropertiesOf, type Settings } from './settings.ts'
import { instantOf } from './warsaw.ts'

/** HubSpot's largest batch read. */
const BATCH = 100

/** The line item properties mapping reads. */
export const LINE_PROPERTIES = [
  'name',
  'description',
  'quantity',
  'price',
  'amount',
  'hs_sku',
  'hs_discount_percentage',
  'discount',
  'hs_tax_rate_group_id',
  'hs_line_item_currency_code',
  'hs_position_on_quote',
]

const CONTACT_PROPERTIES = ['firstname', 'lastname', 'email', 'address', 'city', 'zip', 'country']

function companyProperties(settings: Settings): string[] {
  return [...new Set(['name', 'address', 'address2', 'city', 'zip', 'country', settings.nipProperty])]
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = []
  for (let index = 0; index < items.length; index += BATCH) out.push(items.slice(index, index + BATCH))
  return out
}

/** An association: the associated record and its labels (HubSpot labels a company "Primary"). */
interface Link {
  readonly id: string
  readonly primary: boolean
}

/**
 * The records associated with each invoice, in HubSpot's order, every page of each followed.
 *
 * @example
 * ```ts
 * const lines = await associated(context, ['101', '102'], 'line_items') // Map { '101' => [{ id: '9', primary: false }] }
 * ```
 */
export async function associated(
  context: HubSpotContext,
  invoiceIds: readonly string[],
  to: 'line_items' | 'companies' | 'contacts',
): Promise<Map<string, Link[]>> {
  const links = new Map<string, Link[]>(invoiceIds.map((id) => [id, []]))
  for (const batch of chunks(invoiceIds)) {
    let inputs: { id: string; after?: string }[] = batch.map((id) => ({ id }))
    while (inputs.length > 0) {
      const answer = await hubspot(context, `read invoice associations to ${to}`, (apis) =>
        apis.associations.batch.getPage('invoices', to, { inputs }),
      )
      const next: { id: string; after: string }[] = []
      for (const result of answer.results) {
        const list = links.get(result._from.id)
        if (!list) continue
        for (const target of result.to) {
          const primary = target.associationTypes.some((type) => type.label?.toLowerCase() === 'primary')
          list.push({ id: String(target.toObjectId), primary })
        }
        const after = result.paging?.next?.after
        if (after) next.push({ id: result._from.id, after })
      }
      inputs = next
    }
  }
  return links
}

/**
 * Records of one type by id (those HubSpot no longer has are left out).
 *
 * @example
 * ```ts
 * const companies = await readRecords(context, 'companies', ['7'], ['name', 'nip'])
 * ```
 */
export async function readRecords(
  context: HubSpotContext,
  type: 'line_items' | 'companies' | 'contacts' | 'invoices',
  ids: readonly string[],
  properties: readonly string[],
): Promise<Map<string, CrmObject>> {
  const records = new Map<string, CrmObject>()
  for (const batch of chunks([...new Set(ids)])) {
    const input = { inputs: batch.map((id) => ({ id })), properties: [...properties], propertiesWithHistory: [] }
    const answer = await hubspot(context, `read ${type}`, (apis) => {
      if (type === 'line_items') return apis.lineItems.read(input)
      if (type === 'companies') return apis.companies.read(input)
      if (type === 'contacts') return apis.contacts.read(input)
      return apis.invoices.batch.read(input)
    })
    for (const record of answer.results) records.set(record.id, plain(record))
  }
  return records
}

/**
 * The tax-rate groups of the portal's tax library, by id (`undefined` for one HubSpot does not have).
 *
 * @example
 * ```ts
 * await taxRatesOf(context, ['123']) // { '123': { id: '123', name: 'VAT 23%', percentageRate: 23, … } }
 * ```
 */
export async function taxRatesOf(
  context: HubSpotContext,
  ids: readonly string[],
): Promise<Record<string, TaxRateGroup>> {
  const rates: Record<string, TaxRateGroup> = {}
  for (const id of new Set(ids)) {
    const response = await hubspotRequest(context, {
      url: `/tax-rates/v1/tax-rates/${encodeURIComponent(id)}`,
      accept: [404],
    })
    if (response.status === 404) continue
    const parsed = taxRateGroup.safeParse(response.json())
    if (parsed.success) rates[id] = { ...parsed.data, id }
  }
  return rates
}

/** The first associated record, the one labelled primary first. */
function primaryOf(links: readonly Link[] | undefined): string | undefined {
  return (links?.find((link) => link.primary) ?? links?.[0])?.id
}

/**
 * Invoices as source documents, with everything their mapping needs.
 *
 * @example
 * ```ts
 * const documents = await enrich(context, page.results.map(plain))
 * ```
 */
export async function enrich(context: HubSpotContext, invoices: readonly CrmObject[]): Promise<SourceDocument[]> {
  if (invoices.length === 0) return []
  const { settings } = context
  const ids = invoices.map((invoice) => invoice.id)
  const lineLinks = await associated(context, ids, 'line_items')
  const companyLinks = await associated(context, ids, 'companies')
  const contactLinks = await associated(context, ids, 'contacts')
  const lineIds = [...lineLinks.values()].flat().map((link) => link.id)
  const lines = await readRecords(context, 'line_items', lineIds, LINE_PROPERTIES)
  const companyIds = ids.map((id) => primaryOf(companyLinks.get(id))).filter((id) => id !== undefined)
  const companies = await readRecords(context, 'companies', companyIds, companyProperties(settings))
  const contactIds = ids.map((id) => primaryOf(contactLinks.get(id))).filter((id) => id !== undefined)
  const contacts = await readRecords(context, 'contacts', contactIds, CONTACT_PROPERTIES)
  const groupIds = [...lines.values()].flatMap((line) => line.properties.hs_tax_rate_group_id || [])
  const taxRates = await taxRatesOf(context, groupIds)
  const originalOf = (invoice: CrmObject) =>
    settings.corrections.mode === 'property'
      ? invoice.properties[settings.corrections.originalProperty]?.trim() || undefined
      : undefined
  const originalIds = invoices.map(originalOf).filter((id) => id !== undefined)
  const originals = await readRecords(context, 'invoices', originalIds, invoicePropertiesOf(settings))
  return invoices.map((invoice) => {
    const companyId = primaryOf(companyLinks.get(invoice.id))
    const contactId = primaryOf(contactLinks.get(invoice.id))
    const originalId = originalOf(invoice)
    const invoiceLines = (lineLinks.get(invoice.id) ?? []).flatMap((link) => lines.get(link.id) ?? [])
    const data: DocumentData = {
      invoice,
      lines: invoiceLines,
      company: (companyId && companies.get(companyId)) || null,
      contact: (contactId && contacts.get(contactId)) || null,
      taxRates: Object.fromEntries(
        invoiceLines.flatMap((line) => {
          const id = line.properties.hs_tax_rate_group_id
          const rate = id ? taxRates[id] : undefined
          return id && rate ? [[id, rate]] : []
        }),
      ),
      ...(originalId ? { original: originals.get(originalId) ?? null } : {}),
    }
    const changed = instantOf(invoice.properties.hs_lastmodifieddate)
    return { ref: invoice.id, ...(changed !== undefined ? { updatedAt: new Date(changed).toISOString() } : {}), data }
  })
}
