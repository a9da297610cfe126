/**
 * HubSpot's error bodies, in one place, each with its source (tags as in `facts.ts`). The CRM APIs answer the
 * index's `Error` shape (`category`, `correlationId`, `message`, optional `errors`, `context`, `links`) plus
 * `status: "error"` [I] [D error-handling]; the rate limiter and the OAuth token endpoint answer shapes of their
 * own [N §4] [C]. Messages not quoted by any source are marked VERIFY.
 *
 * @module
 */
import { randomUUID } from 'node:crypto'

/** One entry of an error's `errors` [I `ErrorDetail`]. */
export interface ErrorDetail {
  readonly message: string
  readonly code?: string
  readonly in?: string
  readonly subCategory?: string
  readonly context?: Readonly<Record<string, readonly string[]>>
}

/**
 * What the fake answers to a request it refuses: a status, a body, headers.
 *
 * @example
 * ```ts
 * throw new HubSpotError(409, { status: 'error', message: 'Duplicate', correlationId, category: 'CONFLICT' })
 * ```
 */
export class HubSpotError extends Error {
  readonly status: number
  readonly body: Record<string, unknown>
  readonly headers: Readonly<Record<string, string>>

  constructor(status: number, body: Record<string, unknown>, headers: Readonly<Record<string, string>> = {}) {
    super(String(body.message ?? status))
    this.status = status
    this.body = body
    this.headers = headers
  }
}

const crmError = (
  status: number,
  category: string,
  message: string,
  extra: { errors?: readonly ErrorDetail[]; links?: Record<string, string>; subCategory?: string } = {},
) =>
  new HubSpotError(status, {
    status: 'error',
    message,
    correlationId: randomUUID(),
    category,
    ...(extra.subCategory ? { subCategory: extra.subCategory } : {}),
    ...(extra.errors ? { errors: extra.errors } : {}),
    ...(extra.links ? { links: extra.links } : {}),
  })

/** One invalid property of a write, as HubSpot lists it inside "Property values were not valid" [C]. */
export interface PropertyProblem {
  readonly name: string
  /** `PROPERTY_DOESNT_EXIST`, `READ_ONLY_VALUE`, `INVALID_OPTION`, `INVALID_FLOAT`, ... (VERIFY all but the first). */
  readonly error: string
  readonly message: string
}

/** The errors of the CRM APIs. */
export const CRM_ERRORS = {
  /** [C: a common-errors write-up quotes it] */
  noCredentials: () =>
    crmError(
      401,
      'INVALID_AUTHENTICATION',
      'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
    ),
  /** [C: Paragon quotes it, without a correlationId: the index requires one] */
  expired: (minutes: number) =>
    crmError(401, 'EXPIRED_AUTHENTICATION', `The OAuth token used to make this call expired ${minutes} minute(s) ago.`),
  /** [C: community posts quote the `errors` entry; the top message VERIFY] */
  missingScopes: (anyOf: readonly string[]) =>
    crmError(
      403,
      'MISSING_SCOPES',
      "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
      {
        errors: [
          { message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: anyOf } },
        ],
        links: { scopes: 'https://developers.hubspot.com/scopes' },
      },
    ),
  /** VERIFY the message. */
  notFound: () => crmError(404, 'OBJECT_NOT_FOUND', 'resource not found'),
  /** VERIFY the message. */
  unknownObjectType: (name: string) => crmError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${name}`),
  /** [C: the message and the JSON list inside it]; the `errors` entries VERIFY. */
  propertyValues: (problems: readonly PropertyProblem[]) =>
    crmError(
      400,
      'VALIDATION_ERROR',
      `Property values were not valid: ${JSON.stringify(
        problems.map((problem) => ({
          isValid: false,
          message: problem.message,
          error: problem.error,
          name: problem.name,
          localizedErrorMessage: problem.message,
        })),
      )}`,
      {
        errors: problems.map((problem) => ({
          message: problem.message,
          code: problem.error,
          context: { propertyName: [problem.name] },
        })),
      },
    ),
  /** VERIFY the message and category. */
  propertyExists: (name: string) => crmError(409, 'OBJECT_ALREADY_EXISTS', `Property named '${name}' already exists.`),
  groupExists: (name: string) =>
    crmError(409, 'OBJECT_ALREADY_EXISTS', `Property group named '${name}' already exists.`),
  /** A request the API cannot take (a malformed body, a bad parameter). VERIFY each message. */
  invalid: (message: string, errors?: readonly ErrorDetail[]) =>
    crmError(400, 'VALIDATION_ERROR', message, errors ? { errors } : {}),
  /** Search past its 10,000th result [N §4]. VERIFY the message. */
  searchCap: (cap: number) =>
    crmError(400, 'VALIDATION_ERROR', `Search results are limited to ${cap}; narrow the filters instead of paging.`),
  /** VERIFY: the status and body of an over-long request. */
  tooLarge: (limit: number) => crmError(413, 'VALIDATION_ERROR', `The request body is larger than ${limit} bytes.`),
  serverError: () => crmError(500, 'INTERNAL_ERROR', 'internal error (injected by the fake)'),
  methodNotAllowed: () => crmError(405, 'VALIDATION_ERROR', 'HTTP method not allowed for this endpoint'),
} as const

/**
 * A 429 body [N §4] (the DAILY example with `requestId` [C]; the burst message [C]; the search message [S]).
 *
 * @example
 * ```ts
 * rateLimitBody('DAILY') // { status: 'error', message: 'You have reached your daily limit.', errorType: 'RATE_LIMIT', ... }
 * ```
 */
export function rateLimitBody(policyName: string): Record<string, unknown> {
  const messages: Record<string, string> = {
    DAILY: 'You have reached your daily limit.',
    TEN_SECONDLY_ROLLING: 'You have reached your ten_secondly_rolling limit.',
    SECONDLY: 'You have reached your secondly limit.',
  }
  return {
    status: 'error',
    message: messages[policyName] ?? 'You have reached your limit.',
    errorType: 'RATE_LIMIT',
    correlationId: randomUUID(),
    policyName,
    requestId: randomUUID(),
  }
}

/**
 * The OAuth token endpoint's errors: `{status, message}` [C: `BAD_REFRESH_TOKEN`, "missing or invalid refresh
 * token", HTTP 400]; the other statuses and the `correlationId` VERIFY.
 */
export const OAUTH_ERRORS = {
  badRefreshToken: () => oauthError('BAD_REFRESH_TOKEN', 'missing or invalid refresh token'),
  badAuthCode: () => oauthError('BAD_AUTH_CODE', 'missing or unknown auth code'),
  badClientId: () => oauthError('BAD_CLIENT_ID', 'missing or invalid client id'),
  badClientSecret: () => oauthError('BAD_CLIENT_SECRET', 'missing or invalid client secret'),
  badRedirectUri: () => oauthError('BAD_REDIRECT_URI', 'redirect_uri does not match the one of the auth code'),
  badGrantType: () => oauthError('BAD_GRANT_TYPE', 'missing or unsupported grant_type'),
} as const

function oauthError(status: string, message: string): HubSpotError {
  return new HubSpotError(400, { status, message, correlationId: randomUUID() })
}
