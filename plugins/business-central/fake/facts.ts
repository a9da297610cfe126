/**
 * Every fact about Business Central and Entra ID the fake imitates, in one place, each with where it comes from.
 * Sources: `contract/` (the OpenAPI subset and entity table built from the APIV2 AL pages and Microsoft Learn),
 * Microsoft Learn's pages copied in MicrosoftDocs/dynamics365smb-devitpro-pb (error codes, webhooks, OData
 * modification, paging), the Microsoft REST API Guidelines (webhook validation), and
 * ../shared/connectors/README.md. Whatever is not confirmed by a primary source is marked VERIFY; the fake's
 * other files take these facts from here and assert nothing of their own.
 *
 * @module
 */

/** The Entra ID scope of Business Central's API (client credentials ask for `/.default`). */
export const BC_SCOPE = 'https://api.businesscentral.dynamics.com/.default'
/** The resource (application ID URI) the scope names. */
export const BC_RESOURCE = 'https://api.businesscentral.dynamics.com'
/** Access token lifetime Entra answers for client credentials (`expires_in`), seconds. VERIFY: usual, not fixed. */
export const TOKEN_LIFETIME_SECONDS = 3599

/** Subscriptions live three days unless renewed (dynamics-subscriptions.md, "Renewing the subscription"). */
export const SUBSCRIPTION_LIFETIME_MS = 3 * 24 * 60 * 60 * 1000
/** BC waits 30 s after the first change before notifying (dynamics-subscriptions.md). */
export const NOTIFICATION_DELAY_MS = 30_000
/** More than 1,000 changes within the delay become one `collection` notification (dynamics-subscriptions.md). */
export const COLLECTION_THRESHOLD = 1000
/** Failed notifications are retried over 36 h on 408, 429 and 5xx (dynamics-subscriptions.md). */
export const NOTIFICATION_RETRY_WINDOW_MS = 36 * 60 * 60 * 1000
/**
 * The validation request: a POST of `notificationUrl?validationToken=...` (or `&validationToken=` when the URL has
 * a query), empty body, answered within 5 s with 200 and the token as the sole body. BC's page says only "a
 * request ... passing a validationToken parameter on the query string"; the method, the empty body and the 5 s
 * come from the Microsoft REST API Guidelines §15.5, which BC's page links. VERIFY the method against a live BC.
 */
export const VALIDATION_METHOD = 'POST'
export const HANDSHAKE_TIMEOUT_MS = 5000
/** Notification POSTs get 30 s (REST API Guidelines §15.6). */
export const NOTIFICATION_TIMEOUT_MS = 30_000
/** `clientState` is up to 2,048 characters (docs example "optionalValueOf2048"). */
export const CLIENT_STATE_MAX_LENGTH = 2048
/** Entity sets BC's webhooks support, of those the fake serves (dynamics-subscriptions.md, supported entities). */
export const WEBHOOK_ENTITY_SETS = [
  'salesInvoices',
  'salesCreditMemos',
  'purchaseInvoices',
  'customers',
  'vendors',
  'companyInformation',
  'currencies',
] as const

/** The largest page BC online answers (operational limits: 20,000 entities per page). */
export const MAX_PAGE_SIZE = 20_000
/** Per user / service principal (README (f), "verified"): the requests BC processes at once. */
export const MAX_CONCURRENT = 5
/** Requests that wait for a slot beyond the five; past them BC answers 429. */
export const MAX_QUEUED = 95
/** A queued request is answered 503 after 8 minutes. */
export const QUEUE_TIMEOUT_MS = 8 * 60 * 1000
/** 6,000 requests in a 5-minute sliding window, per user. */
export const WINDOW_REQUESTS = 6000
export const WINDOW_MS = 5 * 60 * 1000

/** Enum values of the API, as the OpenAPI subset lists them (first value = BC's blank). */
export const ENUMS: Readonly<Record<string, readonly string[]>> = {
  'NAV.invoiceEntityAggregateStatus': [' ', 'Draft', 'In Review', 'Open', 'Paid', 'Canceled', 'Corrective'],
  'NAV.salesCrMemoEntityBufferStatus': ['Draft', 'In Review', 'Open', 'Canceled', 'Corrective', 'Paid'],
  'NAV.invoiceLineAggLineType': ['Comment', 'Account', 'Item', 'Resource', 'Fixed Asset', 'Charge'],
  'NAV.contactType': ['Company', 'Person'],
  'NAV.customerBlocked': [' ', 'Ship', 'Invoice', 'All'],
  'NAV.vendorBlocked': [' ', 'Payment', 'All'],
  'NAV.taxBufferType': ['Sales Tax', 'VAT'],
  'NAV.attachmentEntityBufferDocumentType': [
    ' ',
    'Journal',
    'Sales Order',
    'Sales Quote',
    'Sales Credit Memo',
    'Sales Invoice',
    'Purchase Invoice',
  ],
}

/** Statuses of documents that are not posted (README (a): posted = anything but these). */
export const UNPOSTED_STATUSES: readonly string[] = ['Draft', 'In Review']

/**
 * Fields BC stores as AL `Code[n]` (upper-cased on write, and a filter on them matches upper-cased) or `Text[n]`,
 * for the fields clients write. Lengths from the W1 tables as we know them: VERIFY each against the symbols.
 */
export const FIELD_LENGTHS: Readonly<Record<string, Readonly<Record<string, { max: number; code?: true }>>>> = {
  purchaseInvoices: {
    vendorInvoiceNumber: { max: 35, code: true },
    vendorNumber: { max: 20, code: true },
    currencyCode: { max: 10, code: true },
    shipToName: { max: 100 },
  },
  purchaseInvoiceLines: {
    lineObjectNumber: { max: 20, code: true },
    description: { max: 100 },
    description2: { max: 50 },
    taxCode: { max: 20, code: true },
    unitOfMeasureCode: { max: 10, code: true },
  },
  documentAttachments: { fileName: { max: 250 } },
  vendors: { number: { max: 20, code: true }, displayName: { max: 100 }, taxRegistrationNumber: { max: 20 } },
  customers: { number: { max: 20, code: true }, displayName: { max: 100 }, taxRegistrationNumber: { max: 20 } },
}

/** What the API answers for a blank value of each kind (AL has no null: a blank date is 0001-01-01). */
export const BLANK = {
  guid: '00000000-0000-0000-0000-000000000000',
  date: '0001-01-01',
  datetime: '0001-01-01T00:00:00Z',
} as const

/** VERIFY the spacing: BC ends every error message with the request's CorrelationId. */
export const correlationSuffix = (id: string): string => `  CorrelationId:  ${id}.`

/** VERIFY: the challenge BC sends with a 401. */
export const bcChallenge = (tenant: string): string =>
  `Bearer authorization_uri="https://login.microsoftonline.com/${tenant}/oauth2/authorize", resource_id="${BC_RESOURCE}"`

/**
 * VERIFY: a stream property (`attachmentContent`, `picture`) is not inlined in JSON but given as OData media
 * links; and a POST of `documentAttachments` with the content inlined (Learn's example does so) is refused, the
 * AL page importing content only on modify (`…/attachmentContent`, two steps).
 */
export const STREAMS_AS_MEDIA_LINKS = true
export const INLINE_ATTACHMENT_CONTENT = false

/** An OData error BC answers: status, code and message (the message gets BC's CorrelationId suffix). */
export interface BcErrorFact {
  readonly status: number
  readonly code: string
  readonly message: string
}

const fact = (status: number, code: string, message: string): BcErrorFact => ({ status, code, message })

/** BC's errors, by what happened. Codes from dynamics-error-codes.md unless marked. */
export const BC_ERRORS = {
  /** VERIFY status and text: the code is the brief's and the docs' "not found" family. */
  notFound: (entity: string, id: string) =>
    fact(404, 'BadRequest_NotFound', `The ${entity} does not exist. Identification fields and values: Id='${id}'`),
  /** A key that is not a GUID (docs: ODataNotFoundException). VERIFY the status. */
  badKey: () => fact(400, 'BadRequest_NotFound', 'Bad Request - Error in query syntax.'),
  unknownSegment: (segment: string) =>
    fact(404, 'BadRequest_ResourceNotFound', `Resource not found for the segment '${segment}'.`),
  methodNotAllowed: (method: string, set: string) =>
    fact(
      405,
      'BadRequest_MethodNotAllowed',
      `'${method}' requests for '${set}' of EdmType 'Entity' are not allowed within Microsoft Dynamics 365 Business Central OData web services.`,
    ),
  /** Docs: "Control 'Last Date Modified' is read-only". VERIFY the name BC puts in the quotes for API fields. */
  readOnly: (field: string) => fact(400, 'BadRequest_InvalidOperation', `Control '${field}' is read-only.`),
  /** The OData library's wording. VERIFY. */
  unknownProperty: (name: string, type: string) =>
    fact(
      400,
      'BadRequest',
      `The property '${name}' does not exist on type 'Microsoft.NAV.${type}'. Make sure to only use property names that are defined by the type.`,
    ),
  badValue: (value: string, edmType: string) =>
    fact(400, 'BadRequest', `Cannot convert the literal '${value}' to the expected type '${edmType}'.`),
  invalidBody: () => fact(400, 'BadRequest', 'Invalid Request Body'),
  /** PATCH needs If-Match (use-odata-to-modify-data.md); BC's missing/malformed token error (docs code). */
  missingIfMatch: () =>
    fact(
      400,
      'BadRequest_InvalidToken',
      'Could not validate the client concurrency token required by the service. Please provide a valid token in the client request.',
    ),
  /**
   * A stale ETag. Docs: ODataConflictException -> Request_EntityChanged; server source read by others maps it to
   * 409 Conflict, not the OData standard's 412. VERIFY the status against a live BC.
   */
  staleEtag: () => fact(409, 'Request_EntityChanged', 'Another user has already changed the record.'),
  /** AL label CannotModifyPostedInvioceErr of the invoice aggregators. */
  postedInvoice: () =>
    fact(400, 'Application_DialogException', 'The invoice has been posted and can no longer be modified.'),
  postedCreditMemo: () =>
    fact(400, 'Application_DialogException', 'The credit memo has been posted and can no longer be modified.'),
  /** AL TestField(Posted) on the fields only a posted invoice may change. VERIFY the wording. */
  onlyOnPosted: (table: string, id: string) =>
    fact(
      400,
      'Application_FieldValidationException',
      `Posted must be equal to 'Yes'  in ${table}: Id=${id}. Current value is 'No'.`,
    ),
  tooLong: (value: string, max: number) =>
    fact(
      400,
      'Application_StringExceededLength',
      `The length of the string is ${value.length}, but it must be less than or equal to ${max} characters. Value: ${value}`,
    ),
  relation: (field: string, table: string, value: string, related: string) =>
    fact(
      400,
      'Internal_InvalidTableRelation',
      `The field ${field} of table ${table} contains a value (${value}) that cannot be found in the related table (${related}).`,
    ),
  mustHaveValue: (field: string, table: string, key: string) =>
    fact(
      400,
      'Application_FieldValidationException',
      `${field} must have a value in ${table}: ${key}. It cannot be zero or empty.`,
    ),
  dialog: (message: string) => fact(400, 'Application_DialogException', message),
  /** VERIFY the wording: posting refuses a vendor invoice number the vendor already has on a posted invoice. */
  duplicateVendorInvoice: (number: string) =>
    fact(400, 'Application_DialogException', `Purchase Invoice ${number} already exists for this vendor.`),
  /** VERIFY: BC's answer for an environment the tenant does not have. */
  unknownEnvironment: (environment: string) =>
    fact(404, 'BadRequest_ResourceNotFound', `Resource not found for the segment '${environment}'.`),
  /** The OData library's wording for a $filter it cannot parse. VERIFY. */
  filterSyntax: (position: number, filter: string) =>
    fact(400, 'BadRequest', `Syntax error at position ${position} in '${filter}'.`),
  filterProperty: (name: string, type: string) =>
    fact(400, 'BadRequest', `Could not find a property named '${name}' on type 'Microsoft.NAV.${type}'.`),
  unauthorized: () => fact(401, 'Authentication_InvalidCredentials', 'The server has rejected the client credentials.'),
  /** Secondary source (a book quoting BC's 429). VERIFY. */
  tooManyRequests: (actual: number, maximum: number) =>
    fact(429, 'Application_TooManyRequests', `Too many requests reached.  Actual (${actual}).  Maximum (${maximum}).`),
  /** VERIFY: BC's body for a queued request given up after 8 minutes, and for a gateway 503. */
  unavailable: () =>
    fact(503, 'Internal_ServiceUnavailable', 'The service is temporarily unavailable. Please try again later.'),
  serverError: () => fact(500, 'Internal_ServerError', 'An internal error occurred (injected by the fake).'),
  /** VERIFY: BC (IIS) answers 413 for an over-long body; the body's code is ours. */
  tooLarge: (limit: number) =>
    fact(413, 'BadRequest_RequestEntityTooLarge', `The request body is larger than ${limit} bytes.`),
  /** VERIFY both: BC's wording for a failed handshake and an unsupported resource. */
  handshakeFailed: (detail: string) => fact(400, 'BadRequest', `The subscription could not be validated: ${detail}`),
  unsupportedResource: (resource: string) =>
    fact(400, 'BadRequest', `The resource '${resource}' does not support webhook subscriptions.`),
} as const

/** An Entra ID token error (Microsoft identity platform error response). */
export interface EntraErrorFact {
  readonly status: number
  readonly error: string
  readonly code: number
  readonly description: string
}

const entra = (status: number, error: string, code: number, description: string): EntraErrorFact => ({
  status,
  error,
  code,
  description,
})

/** Entra's answers to bad token requests. 7000215 is well attested; the others VERIFY (codes as commonly seen). */
export const ENTRA_ERRORS = {
  unknownTenant: (tenant: string) =>
    entra(
      400,
      'invalid_request',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    ),
  missingParameter: (name: string) =>
    entra(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`),
  unsupportedGrant: (grant: string) =>
    entra(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`),
  unknownClient: (clientId: string, tenant: string) =>
    entra(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`,
    ),
  missingSecret: () =>
    entra(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  wrongSecret: (clientId: string) =>
    entra(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    ),
  scopeNotDefault: (scope: string) =>
    entra(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    ),
  unknownResource: (resource: string, tenant: string) =>
    entra(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenant}.`,
    ),
  unavailable: () => entra(503, 'temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.'),
} as const
