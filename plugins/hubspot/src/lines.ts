/**
 * HubSpot line items as the SDK's sales lines. Prices are net (HubSpot adds tax on top). A line's value is
 * HubSpot's own `amount` (after its discounts), so totals match what HubSpot billed; the discount per unit that
 * makes up the difference to the list price goes on the invoice as `P_10`. A line's tax-rate group is looked up in
 * the connection's table by its id, else its name. A line with a negative price (a credit) is sent as a negative
 * quantity at a positive price, as FA(3) corrections have them. The SDK's `withDiscounts` puts the discounts on the
 * composed invoice.
 *
 * @module
 */
import { discountPerUnit, type MappedLine, MappingError, type SalesLine } from '@ksef-hub/connector-sdk'
import { Decimal } from 'decimal.js'
import type { CrmObject, DocumentData } from './document-data.ts'
import type { Settings } from './settings.ts'

const RETRY = 'then retry the invoice (POST /v1/connections/{id}/documents/retry): the hub reads it again'

function decimalOf(record: CrmObject, property: string, index: number, label: string): Decimal | undefined {
  const value = record.properties[property]?.trim()
  if (!value) return undefined
  try {
    return new Decimal(value)
  } catch {
    throw new MappingError(
      'FIELD_INVALID',
      `line_items[${index}].${property}`,
      `${label}: line ${index + 1} has ${property} "${value}", not a number`,
      { fix: `correct the line item's ${property} in HubSpot, ${RETRY}` },
    )
  }
}

/** The table key of a line's tax-rate group: its id, else its name, else the connection's default. */
function taxCodeOf(record: CrmObject, index: number, data: DocumentData, settings: Settings, label: string): string {
  const table = settings.taxCodes
  const field = `line_items[${index}].hs_tax_rate_group_id`
  const groupId = record.properties.hs_tax_rate_group_id?.trim()
  const name = `line ${index + 1} (${record.properties.name ?? 'no name'})`
  const mapped = Object.keys(table)
  if (!groupId) {
    if (settings.defaultTaxCode !== undefined) return settings.defaultTaxCode
    throw new MappingError('TAX_CODE_UNMAPPED', field, `${label}: ${name} has no tax rate`, {
      fix: `give the line item a tax rate in HubSpot, ${RETRY}; or set settings.defaultTaxCode to the taxCodes key for lines without one`,
    })
  }
  const group = data.taxRates[groupId]
  for (const key of [groupId, group?.name, group?.label]) if (key && Object.hasOwn(table, key)) return key
  const known = group ? ` "${group.name ?? group.label}" (${group.percentageRate ?? '?'} %)` : ''
  throw new MappingError(
    'TAX_CODE_UNMAPPED',
    field,
    `${label}: ${name} has tax rate group ${groupId}${known}, which settings.taxCodes does not map`,
    {
      fix: `add "${groupId}"${group?.name ? ` (or its name "${group.name}")` : ''} to the connection's taxCodes with its FA(3) rate (23, 8, 5, 0 KR, 0 WDT, 0 EX, zw, oo, np I, np II)${mapped.length ? `; mapped now: ${mapped.join(', ')}` : ''}`,
    },
  )
}

/**
 * The sales lines of a pulled invoice.
 *
 * @throws {@link MappingError} `TAX_CODE_UNMAPPED` naming the tax-rate group and the setting; `FIELD_INVALID`
 * @example
 * ```ts
 * salesLinesOf(data, settings, 'HubSpot invoice INV-1042')
 * // [{ line: { name: 'Consulting', quantity: '2', unitPrice: '100', amount: '180', taxCode: '123' }, discount: '10', source: 0 }]
 * ```
 */
export function salesLinesOf(data: DocumentData, settings: Settings, label: string): MappedLine[] {
  if (data.lines.length === 0) {
    throw new MappingError('FIELD_INVALID', 'line_items', `${label} has no line items`, {
      fix: `add the invoice's line items in HubSpot, ${RETRY}`,
    })
  }
  return data.lines.map((record, index) => {
    const quantity = decimalOf(record, 'quantity', index, label) ?? new Decimal(1)
    const listed = decimalOf(record, 'price', index, label)
    if (listed === undefined) {
      throw new MappingError(
        'FIELD_INVALID',
        `line_items[${index}].price`,
        `${label}: line ${index + 1} has no price`,
        {
          fix: `give the line item its unit price in HubSpot, ${RETRY}`,
        },
      )
    }
    const amount = decimalOf(record, 'amount', index, label) ?? quantity.mul(listed).toDecimalPlaces(2)
    // A credit written as a negative price goes as a negative quantity at the positive price.
    const flip = listed.isNegative() && quantity.isPositive()
    const signedQuantity = flip ? quantity.neg() : quantity
    const price = flip ? listed.neg() : listed
    const discount = discountPerUnit(signedQuantity, price, amount)
    const name = record.properties.name?.trim() || record.properties.description?.trim() || `line ${index + 1}`
    const sku = record.properties.hs_sku?.trim()
    const line: SalesLine = {
      name: name.slice(0, 512),
      quantity: signedQuantity.toFixed(),
      unitPrice: price.toFixed(),
      amount: amount.toFixed(),
      taxCode: taxCodeOf(record, index, data, settings, label),
      ...(sku ? { sku: sku.slice(0, 50) } : {}),
    }
    return { line, discount, source: index }
  })
}
