/**
 * The parts of a HubSpot connection's settings: which invoices go to KSeF, who the buyer is, how corrections and
 * foreign currencies are given in the portal, how KSeF's answer goes back, and the portal's limits. Every field
 * carries its description (the tenant file's JSON schema is generated from these), and what the research left
 * unconfirmed (VERIFY) is a setting here rather than a constant in code.
 *
 * @module
 */
import { pullEveryMinutes } from '@ksef-hub/connector-sdk'
import { z } from 'zod'

/** `hs_invoice_status` values (draft until finalized; voided after). */
export const INVOICE_STATUSES = ['draft', 'open', 'paid', 'voided'] as const

/** A HubSpot internal property name (lower-case letters, digits, underscores). */
export const propertyName = (description: string) =>
  z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,99}$/, 'must be a HubSpot internal property name (lower-case, digits, _)')
    .meta({ description })

export const documents = z
  .object({
    statuses: z
      .array(z.enum(INVOICE_STATUSES))
      .min(1)
      .default(['open', 'paid'])
      .meta({
        description:
          'The hs_invoice_status values of invoices that go to KSeF: open and paid (finalized). A draft is left out ' +
          'with that reason until it is finalized; a voided invoice is never sent.',
      }),
  })
  .meta({ description: 'Which HubSpot invoices become KSeF invoices.' })

export const buyer = z
  .object({
    withoutCompany: z
      .enum(['error', 'consumer'])
      .default('error')
      .meta({
        description:
          'An invoice with no associated company: error (it waits for one, BUYER_NIP_MISSING) or consumer (sent to ' +
          'its contact as a consumer, with no buyer tax id).',
      }),
  })
  .meta({ description: "Who the buyer is: the invoice's associated company (its NIP in nipProperty)." })

export const corrections = z
  .object({
    mode: z
      .enum(['property', 'none'])
      .default('property')
      .meta({
        description:
          'How the portal gives a correction (VERIFY: HubSpot has no credit-note API): property (an invoice whose ' +
          'originalProperty names the invoice it corrects is a KOR of it; its lines carry the difference) or none ' +
          '(invoices with a negative total are refused, DOCUMENT_TYPE_UNSUPPORTED).',
      }),
    originalProperty: propertyName(
      'The invoice property holding the record id of the invoice a correction corrects.',
    ).default('ksef_corrected_invoice_id'),
    reasonProperty: propertyName('The invoice property holding the reason of a correction (optional).').default(
      'ksef_correction_reason',
    ),
  })
  .meta({ description: 'How corrections (credit notes) are modelled in the portal.' })

export const currency = z
  .object({
    default: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code')
      .default('PLN')
      .meta({ description: "The portal's company currency, for invoices without hs_currency." }),
    exchangeRateProperty: propertyName(
      'The invoice property holding the PLN rate of a foreign-currency invoice (PLN per unit, e.g. 4.2512: the NBP average rate of the last working day before the tax point). HubSpot keeps none: without it such an invoice waits with that reason.',
    ).default('ksef_exchange_rate'),
  })
  .meta({ description: 'Currencies and exchange rates to PLN.' })

export const writeBack = z
  .object({
    properties: z
      .boolean()
      .default(true)
      .meta({
        description:
          'Write the KSeF number, status, acceptance date and verification link into invoice properties (VERIFY: ' +
          'HubSpot may refuse edits of finalized invoices in some portals; false writes the UPO note only).',
      }),
    group: z
      .object({
        name: propertyName('The property group of the KSeF properties (created if missing).').default('ksef'),
        label: z.string().min(1).max(100).default('KSeF').meta({ description: 'The group as the UI shows it.' }),
      })
      .prefault({}),
    numberProperty: propertyName('The invoice property of the KSeF number.').default('ksef_number'),
    statusProperty: propertyName('The invoice property of the KSeF status.').default('ksef_status'),
    acceptedAtProperty: propertyName('The invoice property of the acceptance date (datetime).').default(
      'ksef_accepted_at',
    ),
    verificationUrlProperty: propertyName('The invoice property of the verification link (QR code I).').default(
      'ksef_verification_url',
    ),
    upoNote: z
      .boolean()
      .default(true)
      .meta({ description: 'Attach the UPO as a file (PRIVATE) to a note on the invoice.' }),
    noteAssociationTypeId: z
      .int()
      .min(1)
      .optional()
      .meta({
        description:
          "HubSpot's association type id of a note to an invoice (VERIFY; default: asked of HubSpot once per " +
          'write-back, GET /crm/associations/v4/notes/invoices/labels). The note is created with it, so it is never left unlinked.',
      }),
    folderPath: z
      .string()
      .regex(/^\/[^\s]*$/, 'must be a folder path starting with /')
      .default('/ksef-hub/upo')
      .meta({ description: 'The File Manager folder UPO files go to.' }),
  })
  .meta({ description: "How KSeF's answer goes back into the invoice." })

export const limits = z
  .object({
    per10Seconds: z
      .int()
      .min(1)
      .max(10_000)
      .default(100)
      .meta({ description: "The app's burst limit per 10 s (100 Free/Starter, 190 Professional and Enterprise)." }),
    perDay: z
      .int()
      .min(1_440)
      .max(100_000_000)
      .default(250_000)
      .meta({
        description:
          "This connection's part of the portal's daily limit (250,000 Free/Starter, 625,000 Professional, " +
          '1,000,000 Enterprise; shared with every other app of the portal).',
      }),
    searchPerSecond: z
      .number()
      .min(0.1)
      .max(100)
      .default(4)
      .meta({ description: "Search's own limit per second (VERIFY: 4 or 5); the pull spaces its searches by it." }),
    concurrent: z.int().min(1).max(50).default(5).meta({ description: 'Requests in flight at once.' }),
  })
  .meta({ description: "HubSpot's limits, as the portal's plan sets them." })

export const pull = z
  .object({
    everyMinutes: pullEveryMinutes,
    settleSeconds: z
      .number()
      .min(0)
      .max(60)
      .default(5)
      .meta({
        description:
          "How long HubSpot's search may take to find a change (VERIFY): a page whose newest change is younger " +
          'waits this long and searches again, so a change found late is never passed. 0 turns it off.',
      }),
    pageSize: z
      .int()
      .min(1)
      .max(100)
      .default(100)
      .meta({ description: 'Invoices per search page (HubSpot takes up to 200; batch reads up to 100).' }),
  })
  .meta({ description: 'How changed invoices are read.' })

export const webhooks = z
  .object({
    invoiceObjectTypeId: z
      .string()
      .regex(/^\d+-\d+$/)
      .default('0-53')
      .meta({ description: "The invoices' objectTypeId in webhook events (VERIFY: 0-53)." }),
  })
  .meta({ description: 'How webhook deliveries are read.' })
