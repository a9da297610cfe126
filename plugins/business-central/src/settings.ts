/**
 * A Business Central connection's settings and secrets. The API base and the Entra token URL default to BC online
 * (built from the Entra tenant and the environment) and can be pointed anywhere: tests point them at 127.0.0.1, an
 * on-premises server has its own base. Secrets hold the Entra app's client id and secret, the `clientState` BC's
 * webhook notifications echo, and the access token the hub renews.
 *
 * @module
 */
import { ksefStartDate, taxCodeTable } from '@ksef-hub/connector-sdk'
import { z } from 'zod'
import { buyer, documents, guid, limits, prepayment, pull, purchase, writeBack } from './settings-parts.ts'

/** BC online's API v2.0, per Entra tenant and environment. */
export const DEFAULT_API_BASE = 'https://api.businesscentral.dynamics.com/v2.0/{entraTenantId}/{environment}/api/v2.0'
/** Entra ID's token endpoint (v2.0) of the tenant. */
export const DEFAULT_TOKEN_URL = 'https://login.microsoftonline.com/{entraTenantId}/oauth2/v2.0/token'
/** The scope of an app calling BC online as itself. */
export const DEFAULT_SCOPE = 'https://api.businesscentral.dynamics.com/.default'

const httpUrl = (description: string) =>
  z
    .string()
    .regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL')
    .refine((value) => URL.canParse(value.replaceAll(/\{\w+\}/g, 'x')), 'must be a URL')
    .meta({ description })

/** The settings of a Business Central connection. */
export const settingsSchema = z
  .object({
    entraTenantId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$/, 'must be the Entra tenant id (a GUID) or its domain')
      .meta({ description: 'The Microsoft Entra tenant of the BC environment (its id, or contoso.onmicrosoft.com).' }),
    environment: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,30}$/, 'must be a BC environment name (letters, digits, - and _)')
      .default('production')
      .meta({ description: 'The BC environment (production, sandbox, ...).' }),
    apiBase: httpUrl(
      `BC's API v2.0 root, {entraTenantId} and {environment} filled in (default ${DEFAULT_API_BASE}; on-premises: https://host:7048/<instance>/api/v2.0).`,
    ).optional(),
    tokenUrl: httpUrl(`The Entra token endpoint (default ${DEFAULT_TOKEN_URL}).`).optional(),
    scope: z.string().min(1).default(DEFAULT_SCOPE).meta({ description: 'The OAuth scope asked for.' }),
    companies: z
      .array(guid('A company id (GET companies).'))
      .min(1)
      .meta({ description: 'The BC companies (ids) whose documents this connection sends; each must be the tenant.' }),
    taxCodes: taxCodeTable,
    buyer: buyer.prefault({}),
    documents: documents.prefault({}),
    prepayment: prepayment.prefault({}),
    ksefStartDate: ksefStartDate(
      'Documents dated before it are never sent nor read again; a credit memo of an invoice dated before it ' +
        'corrects an invoice issued outside KSeF.',
    ),
    exchangeRates: z
      .enum(['bc', 'none'])
      .default('bc')
      .meta({
        description:
          "Where a foreign-currency document's rate to PLN comes from: bc (the company's currencyExchangeRates, " +
          'the latest starting before the posting date) or none (such documents wait with that reason).',
      }),
    pull: pull.prefault({}),
    writeBack: writeBack.prefault({}),
    purchase: purchase.prefault({}),
    limits: limits.prefault({}),
  })
  .meta({ description: 'Dynamics 365 Business Central (API v2.0).' })

/** The settings, checked. */
export type Settings = z.output<typeof settingsSchema>

/** The secrets of a Business Central connection. */
export const secretsSchema = z.object({
  clientId: z.string().min(1).meta({ description: "The Entra app's application (client) id." }),
  clientSecret: z.string().min(1).meta({ description: 'A client secret of the Entra app (Certificates & secrets).' }),
  clientState: z
    .string()
    .min(16)
    .max(2048)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional()
    .meta({
      description:
        'A random value BC echoes in each webhook notification (it signs nothing): needed for webhooks (openssl rand -hex 32).',
    }),
  accessToken: z.string().min(1).optional().meta({ description: 'Renewed by the hub; never set it.' }),
  expiresAt: z.iso.datetime({ offset: true }).optional().meta({ description: 'Renewed by the hub; never set it.' }),
})

/** The secrets, checked. */
export type Secrets = z.output<typeof secretsSchema>

function filled(template: string, settings: Settings): string {
  return template
    .replaceAll('{entraTenantId}', encodeURIComponent(settings.entraTenantId))
    .replaceAll('{environment}', encodeURIComponent(settings.environment))
    .replace(/\/+$/, '')
}

/**
 * The API v2.0 root of the connection (no trailing slash).
 *
 * @example
 * ```ts
 * apiBaseOf(settingsSchema.parse({ entraTenantId: 'contoso.onmicrosoft.com', companies: [id], taxCodes: {} }))
 * // 'https://api.businesscentral.dynamics.com/v2.0/contoso.onmicrosoft.com/production/api/v2.0'
 * ```
 */
export function apiBaseOf(settings: Settings): string {
  return filled(settings.apiBase ?? DEFAULT_API_BASE, settings)
}

/**
 * The Entra token endpoint of the connection.
 *
 * @example
 * ```ts
 * tokenUrlOf(settings) // 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token'
 * ```
 */
export function tokenUrlOf(settings: Settings): string {
  return filled(settings.tokenUrl ?? DEFAULT_TOKEN_URL, settings)
}

/**
 * The root of a custom API page (`/api/<publisher>/<group>/<version>`) beside API v2.0: the API base with its
 * `api/v2.0` replaced, as BC serves both under one environment.
 *
 * @example
 * ```ts
 * customApiBaseOf(settings, 'contoso/ksef/v1.0') // 'https://api.businesscentral.dynamics.com/v2.0/<t>/production/api/contoso/ksef/v1.0'
 * ```
 */
export function customApiBaseOf(settings: Settings, apiPath: string): string {
  return `${apiBaseOf(settings).replace(/\/api\/v2\.0$/, '')}/api/${apiPath}`
}

/**
 * The origins the connection may call: BC's API and the token endpoint.
 *
 * @example
 * ```ts
 * hostsOf(settings) // ['https://api.businesscentral.dynamics.com', 'https://login.microsoftonline.com']
 * ```
 */
export function hostsOf(settings: Settings): string[] {
  return [...new Set([new URL(apiBaseOf(settings)).origin, new URL(tokenUrlOf(settings)).origin])]
}

/**
 * BC's per-user limits as the SDK's limiter counts them (a minute's window).
 *
 * @example
 * ```ts
 * limitsOf(settings) // { requestsPerMinute: 1200, concurrent: 5 }
 * ```
 */
export function limitsOf(settings: Settings): { requestsPerMinute: number; concurrent: number } {
  // The SDK's window is a minute: a fifth of BC's five-minute budget in any minute never exceeds it in five.
  return {
    requestsPerMinute: Math.floor(settings.limits.requestsPerFiveMinutes / 5),
    concurrent: settings.limits.concurrent,
  }
}

/**
 * The company purchase invoices are imported into.
 *
 * @example
 * ```ts
 * purchaseCompanyOf(settings) // settings.purchase.company ?? settings.companies[0]
 * ```
 */
export function purchaseCompanyOf(settings: Settings): string {
  return (settings.purchase.company ?? (settings.companies[0] as string)).toLowerCase()
}
