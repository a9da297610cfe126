/**
 * Checking the properties of a create or an update as HubSpot does: every name must exist on the type and be
 * writable, every value must fit its type, and a finalized invoice (`open`, `paid`, `voided`) takes changes only
 * to what `finalizedEdits` allows (`facts.ts`, VERIFY). All problems of a request are answered together.
 *
 * @module
 */
import type { Portal } from './context.ts'
import { CRM_ERRORS, type PropertyProblem } from './errors.ts'
import type { ObjectType } from './facts.ts'
import type { CrmRecord } from './store.ts'
import { checkValue } from './values.ts'

const FINALIZED = ['open', 'paid', 'voided']

/**
 * The checked values of a write (`''` clears a value).
 *
 * @throws {HubSpotError} 400 "Property values were not valid" listing every problem
 * @example
 * ```ts
 * const values = checkedWrite(portal, 'invoices', { ksef_number: '...' }, record)
 * ```
 */
export function checkedWrite(
  portal: Portal,
  type: ObjectType,
  input: unknown,
  record?: CrmRecord,
): Record<string, string> {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw CRM_ERRORS.invalid('properties must be an object of property names and values')
  }
  const problems: PropertyProblem[] = []
  const values: Record<string, string> = {}
  const finalized = type === 'invoices' && FINALIZED.includes(record?.values.get('hs_invoice_status') ?? '')
  for (const [name, raw] of Object.entries(input as Record<string, unknown>)) {
    const def = portal.schema.property(type, name)
    if (finalized && def && !def.readOnlyValue && name !== 'hs_invoice_status') {
      const locked = portal.finalizedEdits === 'none' || (portal.finalizedEdits === 'custom' && def.hubspotDefined)
      if (locked) {
        problems.push({
          name,
          error: 'READ_ONLY_VALUE',
          message: `${name} cannot be changed on an invoice that is ${record?.values.get('hs_invoice_status')}`,
        })
        continue
      }
    }
    const checked = checkValue(def, name, raw)
    if ('problem' in checked) problems.push(checked.problem)
    else values[name] = checked.value
  }
  if (problems.length > 0) throw CRM_ERRORS.propertyValues(problems)
  return values
}
