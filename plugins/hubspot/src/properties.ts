/**
 * KSeF's answer in the invoice's own properties: the KSeF number, status, acceptance date and verification link.
 * The properties (in their own group) are made the first time HubSpot says one does not exist
 * (`PROPERTY_DOESNT_EXIST`), with the input properties the connection reads (the corrected invoice, the reason,
 * the exchange rate) beside them; HubSpot's 409 means one exists already. Read first: values already there are
 * not written again.
 *
 * @module
 */
import properties from '@hubspot/api-client/lib/codegen/crm/properties/index.js'
import { isConnectorError, type WriteBackResult } from '@ksef-hub/connector-sdk'
import { missingProperties } from './errors.ts'
import { type HubSpotContext, hubspot } from './hubspot.ts'
import { instantOf } from './warsaw.ts'

/** The status written with the number (write-back happens once KSeF has accepted the invoice). */
export const ACCEPTED_STATUS = 'accepted'

const { PropertyCreateTypeEnum: Type, PropertyCreateFieldTypeEnum: Field } = properties

interface PropertySpec {
  readonly name: string
  readonly label: string
  readonly type: properties.PropertyCreateTypeEnum
  readonly fieldType: properties.PropertyCreateFieldTypeEnum
  readonly description: string
}

/**
 * The properties the connector writes and reads, as HubSpot creates them.
 *
 * @example
 * ```ts
 * propertySpecs(context.settings).map((spec) => spec.name) // ['ksef_number', 'ksef_status', …]
 * ```
 */
export function propertySpecs(settings: HubSpotContext['settings']): PropertySpec[] {
  const { writeBack, corrections, currency } = settings
  const text = (name: string, label: string, description: string): PropertySpec => ({
    name,
    label,
    type: Type.String,
    fieldType: Field.Text,
    description,
  })
  const specs: PropertySpec[] = [
    text(writeBack.numberProperty, 'KSeF number', 'The number KSeF gave the invoice (written by KSeF Hub).'),
    text(writeBack.statusProperty, 'KSeF status', 'accepted once KSeF has the invoice (written by KSeF Hub).'),
    {
      name: writeBack.acceptedAtProperty,
      label: 'KSeF acceptance date',
      type: Type.Datetime,
      fieldType: Field.Date,
      description: 'When KSeF accepted the invoice (written by KSeF Hub).',
    },
    text(writeBack.verificationUrlProperty, 'KSeF verification link', 'The QR code I link (written by KSeF Hub).'),
    ...(corrections.mode === 'property'
      ? [
          text(
            corrections.originalProperty,
            'Corrects invoice (record id)',
            'For a correction: the invoice it corrects.',
          ),
          text(corrections.reasonProperty, 'Correction reason', 'For a correction: why it is made.'),
        ]
      : []),
    {
      name: currency.exchangeRateProperty,
      label: 'Exchange rate to PLN',
      type: Type.Number,
      fieldType: Field.Number,
      description: 'PLN per unit of the invoice currency (NBP, the working day before the invoice date).',
    },
  ]
  // HubSpot's own properties (hs_…) exist, and cannot be created: a setting may name one (hs_exchange_rate).
  return specs.filter((spec) => !spec.name.startsWith('hs_'))
}

/** A creation HubSpot answers 409 to: it exists, which is what was wanted. */
async function createOrKeep(run: () => Promise<unknown>): Promise<void> {
  try {
    await run()
  } catch (error) {
    if (!isConnectorError(error) || error.kind !== 'conflict') throw error
  }
}

/**
 * Makes the connector's property group and properties on invoices, keeping those that exist.
 *
 * @example
 * ```ts
 * await ensureProperties(context)
 * ```
 */
export async function ensureProperties(context: HubSpotContext): Promise<void> {
  const { group } = context.settings.writeBack
  await createOrKeep(() =>
    hubspot(context, 'create the KSeF property group', (apis) =>
      apis.properties.groups.create('invoices', { name: group.name, label: group.label }),
    ),
  )
  for (const spec of propertySpecs(context.settings)) {
    await createOrKeep(() =>
      hubspot(context, `create the invoice property ${spec.name}`, (apis) =>
        apis.properties.core.create('invoices', { ...spec, groupName: group.name }),
      ),
    )
  }
  context.logger.info({ group: group.name }, 'created the KSeF properties on HubSpot invoices')
}

/**
 * Writes KSeF's answer into the invoice's properties; `false` when they hold it already.
 *
 * @example
 * ```ts
 * await writeProperties(context, '391820334561', result) // true, then false
 * ```
 */
export async function writeProperties(
  context: HubSpotContext,
  invoiceId: string,
  result: WriteBackResult,
): Promise<boolean> {
  const names = context.settings.writeBack
  const wanted: Record<string, string> = {
    [names.numberProperty]: result.ksefNumber,
    [names.statusProperty]: ACCEPTED_STATUS,
    [names.acceptedAtProperty]: result.acquisitionDate.toISOString(),
    [names.verificationUrlProperty]: result.verificationUrl,
  }
  const current = await hubspot(context, 'read an invoice', (apis) =>
    apis.invoices.basic.getById(invoiceId, Object.keys(wanted)),
  )
  const held = current.properties
  const same = (name: string) =>
    name === names.acceptedAtProperty
      ? instantOf(held[name]) === result.acquisitionDate.getTime()
      : held[name] === wanted[name]
  if (Object.keys(wanted).every(same)) return false
  if (held[names.numberProperty] && held[names.numberProperty] !== result.ksefNumber) {
    context.logger.warn({ invoiceId }, 'the invoice held another KSeF number: replacing it with the one KSeF gave')
  }
  const update = () =>
    hubspot(context, 'write the KSeF properties', (apis) =>
      apis.invoices.basic.update(invoiceId, { properties: wanted }),
    )
  try {
    await update()
  } catch (error) {
    const cause = isConnectorError(error) ? error.cause : undefined
    if (missingProperties(cause).length === 0) throw error
    await ensureProperties(context)
    await update()
  }
  return true
}
