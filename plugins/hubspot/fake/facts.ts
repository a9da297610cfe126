/**
 * Every fact about HubSpot the fake imitates (its error bodies are `errors.ts`, its default properties
 * `catalog.ts`), each with where it comes from. Sources, by tag:
 *
 * - [I] `contract/hubspot-api-index.json`: our index of HubSpot's public spec collection (paths, parameters,
 *   scopes, field types);
 * - [R] ../shared/connectors/README.md, HubSpot section (a)–(f);
 * - [N] ../shared/notes/connectors.md §2.1 and §4 (SDK source read, HubSpot's usage guidelines);
 * - [V] `contract/webhook-vectors.json` (the v3 signature and a delivery's fields);
 * - [S] `@hubspot/api-client` 14.0.1 as installed (models, `RetryDecorator`, `Signature`);
 * - [D] developers.hubspot.com pages and changelog entries read through the search tool's stored copies;
 * - [C] community answers and third-party write-ups quoting HubSpot's answers (secondary: always VERIFY).
 *
 * Whatever no primary source confirms is marked VERIFY; the fake's other files take these facts from here.
 *
 * @module
 */

/** The production origin, for the links HubSpot puts in its bodies [R]. */
export const API_ORIGIN = 'https://api.hubapi.com'

/** The object types the fake serves, by their API name, with HubSpot's object type ids. */
export const OBJECT_TYPES = {
  /** `0-53` [R] [N]: VERIFY (README and notes mark it unconfirmed; the webhook vector uses it). */
  invoices: { id: '0-53', singular: 'invoice', label: 'INVOICE' },
  line_items: { id: '0-8', singular: 'line_item', label: 'LINE_ITEM' },
  companies: { id: '0-2', singular: 'company', label: 'COMPANY' },
  contacts: { id: '0-1', singular: 'contact', label: 'CONTACT' },
  /** `0-46`: VERIFY. */
  notes: { id: '0-46', singular: 'note', label: 'NOTE' },
} as const

/** An object type of the fake. */
export type ObjectType = keyof typeof OBJECT_TYPES

/**
 * HubSpot-defined association type ids, by `from:to`. 409 (invoice to line item), 177 (invoice to contact) and
 * 179/180 (invoice to/from company) appear in public integrations' code [C]; the inverses 410 and 178 follow
 * HubSpot's numbering of pairs: VERIFY. Notes to invoices: no source at all, a placeholder (VERIFY): the connector
 * should associate a note with the `default` endpoint, which needs no type id [R (c)].
 */
export const ASSOCIATION_TYPE_IDS: Readonly<Record<string, number>> = {
  'invoices:line_items': 409,
  'line_items:invoices': 410,
  'invoices:contacts': 177,
  'contacts:invoices': 178,
  'invoices:companies': 179,
  'companies:invoices': 180,
  'notes:invoices': 1700,
  'invoices:notes': 1701,
  'companies:contacts': 280,
  'contacts:companies': 279,
}

/**
 * The keys v3 reads use in `associations` (`GET …/invoices/{id}?associations=line_items`): HubSpot answers line
 * items under `"line items"`, with a space, as integrations' typings show [C]. VERIFY.
 */
export const V3_ASSOCIATION_KEYS: Readonly<Record<ObjectType, string>> = {
  invoices: 'invoices',
  line_items: 'line items',
  companies: 'companies',
  contacts: 'contacts',
  notes: 'notes',
}

/** Paging of CRM objects v3 [I] and HubSpot's documented maxima [D]. */
export const PAGING = {
  /** `GET /crm/v3/objects/{type}`: default and largest `limit`. */
  listDefault: 10,
  listMax: 100,
  /** Search: default and largest `limit`; a larger one is refused (VERIFY: refused, not clamped). */
  searchDefault: 10,
  searchMax: 200,
  /** Search never pages past the 10,000th result [N §4]: `after + limit > 10000` is refused. */
  searchCap: 10_000,
  /** Search's own limits: filter groups, filters per group, filters in all [D]. VERIFY the current values. */
  maxFilterGroups: 5,
  maxFiltersPerGroup: 6,
  maxFilters: 18,
  /** Batch reads take at most 100 inputs [D]. */
  batchMax: 100,
  /** v4 associations: default and largest page. VERIFY. */
  associationsDefault: 500,
  associationsMax: 500,
  /** Tax rates: default page. VERIFY. */
  taxRatesDefault: 100,
} as const

/** Burst, daily and search limits [N §4]: Free/Starter 100 per 10 s and 250,000 a day; search about 5/s. */
export const LIMITS = {
  burstRequests: 100,
  burstWindowMs: 10_000,
  dailyRequests: 250_000,
  /** Search: "around 5 requests/s per account" [N]; the changelog says 4 per second per token [D]. VERIFY. */
  searchPerSecond: 5,
  /** OAuth-authenticated calls have no daily limit and get no daily headers [D changelog]. VERIFY for new apps. */
  oauthDaily: false,
  /** 429s carry no `Retry-After` in any source [N §4 lists the X-HubSpot headers only]. VERIFY. */
  retryAfterOnLimits: false,
} as const

/** The policy names a 429 body carries [N §4] and the SDK knows [S]. */
export const POLICY = {
  burst: 'TEN_SECONDLY_ROLLING',
  daily: 'DAILY',
  /** Search's limit; the SDK recognises it by the message, not the policy name [S `RetryDecorator`]. VERIFY. */
  search: 'SECONDLY',
} as const

/** The rate-limit headers [N §4] [D changelog 2018-11-06]. */
export const LIMIT_HEADERS = {
  daily: 'x-hubspot-ratelimit-daily',
  dailyRemaining: 'x-hubspot-ratelimit-daily-remaining',
  interval: 'x-hubspot-ratelimit-interval-milliseconds',
  max: 'x-hubspot-ratelimit-max',
  remaining: 'x-hubspot-ratelimit-remaining',
} as const

/** Access tokens of OAuth apps live 30 minutes [N §4] [C: `expires_in: 1800`]. */
export const ACCESS_TOKEN_LIFETIME_SECONDS = 1800
/**
 * HubSpot answers the same refresh token at every refresh (no rotation): VERIFY; the fake can rotate on demand.
 */
export const ROTATES_REFRESH_TOKENS = false
/** `token_type` of the token answer [C: the v1 docs' example says `bearer`]. */
export const TOKEN_TYPE = 'bearer'

/**
 * Scopes an endpoint family needs when the index gives none per object ("the read/write scope of each object
 * type involved" [I]): any of the listed scopes of each involved type. `tax_rates.read` is the line-items guide's
 * scope [R (b)]; the index lists quote scopes for the tax-rate endpoints: both are accepted (VERIFY which).
 */
export const SCOPES = {
  read: {
    invoices: ['crm.objects.invoices.read'],
    line_items: ['crm.objects.line_items.read', 'e-commerce'],
    companies: ['crm.objects.companies.read'],
    contacts: ['crm.objects.contacts.read'],
    notes: ['crm.objects.contacts.read'],
  },
  write: {
    invoices: ['crm.objects.invoices.write'],
    line_items: ['crm.objects.line_items.write', 'e-commerce'],
    companies: ['crm.objects.companies.write'],
    contacts: ['crm.objects.contacts.write'],
    notes: ['crm.objects.contacts.write'],
  },
  /** Properties: the object's scope, or its schema scope (VERIFY). */
  schemaRead: (type: ObjectType) => [`crm.schemas.${type}.read`],
  schemaWrite: (type: ObjectType) => [`crm.schemas.${type}.write`],
  taxRates: ['tax_rates.read', 'cpq.quotes.read', 'cpq.quotes.write', 'crm.objects.quotes.read'],
  filesRead: ['files', 'files.read', 'files.ui_hidden.read'],
  filesWrite: ['files', 'files.ui_hidden.write', 'files.write'],
} as const

/** Webhook deliveries [R (e)] [N §4] [V] and HubSpot's webhook docs [C]. */
export const WEBHOOKS = {
  /** Events per POST. VERIFY (HubSpot's docs say deliveries are batched; 100 is commonly quoted). */
  batchSize: 100,
  /** A delivery not answered within 5 s failed (VERIFY: older docs said 1 s, a community answer 2 s). */
  timeoutMs: 5000,
  /** Up to 10 retries [C: HubSpot's webhooks overview quoted], spread over about a day. */
  maxRetries: 10,
  /** The n-th retry waits `firstRetryMs × 2^(n−1)` (VERIFY: the quoted docs say 2, 4, 8 minutes...). */
  firstRetryMs: 60_000,
  /** Answers HubSpot does not retry [C: the webhooks overview quoted]; a 429 is retried after its Retry-After. */
  noRetryStatuses: [400, 401, 403, 404, 405] as readonly number[],
  /** The signature headers, as the vectors carry them [V]. */
  signatureHeader: 'X-HubSpot-Signature-v3',
  timestampHeader: 'X-HubSpot-Request-Timestamp',
  versionHeader: 'X-HubSpot-Signature-Version',
  /** A receiver refuses a timestamp older than 5 minutes [R (e)] [S `Signature.MAX_ALLOWED_TIMESTAMP`]. */
  maxAgeMs: 300_000,
  /** `changeSource` of changes made in the UI and through the API. VERIFY the latter. */
  changeSourceUi: 'CRM_UI',
  changeSourceApi: 'INTEGRATION',
} as const

/** The portal's time zone (the daily limit resets at its midnight [C]; dates picked in the UI are its days). */
export const PORTAL_TIME_ZONE = 'Europe/Warsaw'

/**
 * VERIFY: a date picked in the UI (`hs_invoice_date`, `hs_due_date`, datetime properties) is stored as the
 * start of that day in the portal's time zone, so a Polish invoice dated 20 November reads
 * `2026-11-19T23:00:00.000Z`. The connector must take the day in Europe/Warsaw, never the UTC date.
 */
export const DATES_AT_PORTAL_MIDNIGHT = true

/**
 * Finalized invoices (`open`, `paid`): which properties a PATCH may change. `custom`: properties the portal
 * created (not `hubspotDefined`) and `hs_invoice_status` only; HubSpot's own refused (VERIFY [R (c)] [N §4]:
 * "editing finalized invoices is restricted by an account setting").
 */
export const FINALIZED_INVOICE_EDITS: 'custom' | 'none' | 'all' = 'custom'

/** The request body limit (VERIFY: HubSpot publishes none for JSON; files are larger). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024

/** Multi-value separator of `hs_attachment_ids` on notes (VERIFY). */
export const ATTACHMENT_ID_SEPARATOR = ';'
