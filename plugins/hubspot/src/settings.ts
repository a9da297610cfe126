/**
 * A HubSpot connection's settings and secrets. The API origin defaults to HubSpot's and can be pointed anywhere
 * (tests point it at the fake on 127.0.0.1); the portal id routes an app's webhooks to the connection. One secrets
 * schema covers both ways in, and `auth` says which: a private app's static token, or an OAuth app's refresh
 * token (the hub renews the access token and stores what HubSpot answers before using it).
 *
 * @module
 */
import { ksefStartDate, taxCodeTable } from '@ksef-hub/connector-sdk'
import { z } from 'zod'
import {
  buyer,
  corrections,
  currency,
  documents,
  limits,
  propertyName,
  pull,
  webhooks,
  writeBack,
} from './settings-parts.ts'

/** HubSpot's API origin. */
export const DEFAULT_BASE_URL = 'https://api.hubapi.com'

const address = z.object({
  countryCode: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code (PL)'),
  line1: z.string().trim().min(1).max(512),
  line2: z.string().trim().min(1).max(512).optional(),
})

/** The settings of a HubSpot connection. */
export const settingsSchema = z
  .object({
    baseUrl: z
      .string()
      .regex(/^https?:\/\/[^\s/]+(:\d+)?\/?$/, 'must be an origin such as https://api.hubapi.com')
      .default(DEFAULT_BASE_URL)
      .transform((value) => value.replace(/\/+$/, ''))
      .meta({ description: `HubSpot's API origin (default ${DEFAULT_BASE_URL}).` }),
    portalId: z
      .union([z.string().regex(/^\d{1,20}$/, 'must be the portal (hub) id: digits'), z.int().positive()])
      .transform(String)
      .meta({ description: 'The HubSpot account (portal / hub id) of this connection; webhooks name it as portalId.' }),
    nipProperty: propertyName(
      "The company property holding the buyer's NIP (with or without PL, dashes or spaces); for a company abroad, its VAT number or tax id.",
    ).default('nip'),
    auth: z
      .enum(['privateApp', 'oauth'])
      .default('privateApp')
      .meta({
        description:
          "How the connection signs in: privateApp (secrets.privateAppToken) or oauth (an OAuth app's clientId, " +
          'clientSecret and refreshToken; the hub renews the access token).',
      }),
    seller: z
      .object({ name: z.string().trim().min(1).max(512), address })
      .meta({ description: 'The seller as invoices name it (HubSpot invoices carry no seller address).' }),
    taxCodes: taxCodeTable,
    defaultTaxCode: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .meta({
        description:
          'The taxCodes key for line items without a tax rate group (default: none, such a line stops the invoice ' +
          'with TAX_CODE_UNMAPPED).',
      }),
    ksefStartDate: ksefStartDate(
      'Invoices dated before it are never sent and the pull starts at it; a correction of an invoice dated before ' +
        'it corrects one issued outside KSeF.',
    ),
    documents: documents.prefault({}),
    buyer: buyer.prefault({}),
    corrections: corrections.prefault({}),
    currency: currency.prefault({}),
    writeBack: writeBack.prefault({}),
    limits: limits.prefault({}),
    pull: pull.prefault({}),
    webhooks: webhooks.prefault({}),
  })
  .meta({ description: 'HubSpot CRM invoices (CRM API v3 through @hubspot/api-client).' })

/** The settings, checked. */
export type Settings = z.output<typeof settingsSchema>

/** The secrets of a HubSpot connection. */
export const secretsSchema = z
  .object({
    privateAppToken: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "The private app's access token (auth: privateApp)." }),
    clientId: z.string().min(1).optional().meta({ description: "The OAuth app's client id (auth: oauth)." }),
    clientSecret: z.string().min(1).optional().meta({
      description:
        "The app's client secret: it renews OAuth tokens and signs webhooks (v3), for private apps too. Needed for webhooks.",
    }),
    refreshToken: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'The refresh token of the OAuth install (auth: oauth); the hub keeps it current.' }),
    accessToken: z.string().min(1).optional().meta({ description: 'Renewed by the hub (auth: oauth); never set it.' }),
    expiresAt: z.iso.datetime({ offset: true }).optional().meta({ description: 'Renewed by the hub; never set it.' }),
  })
  // Which of the two is needed is settings.auth's to say; one of them must be there.
  .refine((secrets) => secrets.privateAppToken !== undefined || secrets.refreshToken !== undefined, {
    message: 'set privateAppToken (a private app), or clientId, clientSecret and refreshToken (an OAuth app)',
    path: ['privateAppToken'],
  })

/** The secrets, checked. */
export type Secrets = z.output<typeof secretsSchema>

/**
 * The origins the connection may call: HubSpot's API (its token endpoint is on the same origin).
 *
 * @example
 * ```ts
 * hostsOf(settings) // ['https://api.hubapi.com']
 * ```
 */
export function hostsOf(settings: Settings): string[] {
  return [new URL(settings.baseUrl).origin]
}

/**
 * The portal the connection serves (webhook events name it as `portalId`).
 *
 * @example
 * ```ts
 * accountOf(settings) // '146512345'
 * ```
 */
export function accountOf(settings: Settings): string {
  return settings.portalId
}

/**
 * HubSpot's limits as the SDK's limiter counts them (a minute's window). Any `n` requests in a minute can fall
 * within one 10 s window, so a minute's budget of the burst limit never exceeds it; the daily part spread over the
 * day's minutes never exceeds the day.
 *
 * @example
 * ```ts
 * limitsOf(settings) // { requestsPerMinute: 100, concurrent: 5 } (Free/Starter)
 * ```
 */
export function limitsOf(settings: Settings): { requestsPerMinute: number; concurrent: number } {
  const { per10Seconds, perDay, concurrent } = settings.limits
  return { requestsPerMinute: Math.max(1, Math.min(per10Seconds, Math.floor(perDay / 1_440))), concurrent }
}

/**
 * The invoice properties a read asks for: what mapping needs, and the properties the settings name.
 *
 * @example
 * ```ts
 * invoicePropertiesOf(settings) // ['hs_number', 'hs_invoice_status', …, 'ksef_exchange_rate', 'ksef_corrected_invoice_id', …]
 * ```
 */
export function invoicePropertiesOf(settings: Settings): string[] {
  const names = [
    'hs_number',
    'hs_invoice_status',
    'hs_currency',
    'hs_invoice_date',
    'hs_due_date',
    'hs_lastmodifieddate',
    'hs_amount_billed',
    'hs_comments',
    settings.currency.exchangeRateProperty,
    ...(settings.corrections.mode === 'property'
      ? [settings.corrections.originalProperty, settings.corrections.reasonProperty]
      : []),
  ]
  return [...new Set(names)]
}
