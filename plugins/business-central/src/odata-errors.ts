/**
 * BC's error answers, classified in one place. BC answers errors as OData, `{"error":{"code","message"}}`, and the
 * code says more than the status: `Request_EntityChanged` is someone else's edit (re-read and retry),
 * `Authentication_*` a refused token, `Authorization_*` a missing permission set, `*NotFound*` a record that is
 * gone. Statuses the SDK's client retries (429, 5xx, 408) stay with the client, which honours `Retry-After`.
 *
 * @module
 */
import { ConnectorError, type ConnectorErrorKind, type HttpResponse, kindOfStatus } from '@ksef-hub/connector-sdk'

/** Statuses the connector reads itself to classify by BC's code (the SDK client retries none of them). */
export const CLASSIFIED_STATUSES = [400, 401, 403, 404, 405, 409, 410, 412, 413, 415, 422] as const

/** BC's error body, when it is one. */
export interface ODataError {
  readonly code: string
  readonly message: string
}

/**
 * The OData error in an answer's body, or `undefined` when the body is not one.
 *
 * @example
 * ```ts
 * odataErrorOf('{"error":{"code":"Request_EntityChanged","message":"Another user changed it"}}')
 * // { code: 'Request_EntityChanged', message: 'Another user changed it' }
 * ```
 */
export function odataErrorOf(body: string): ODataError | undefined {
  try {
    const value = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } }
    const error = value?.error
    if (typeof error !== 'object' || error === null) return undefined
    return {
      code: typeof error.code === 'string' ? error.code : '',
      message: typeof error.message === 'string' ? error.message : '',
    }
  } catch {
    return undefined
  }
}

/**
 * The kind of failure a BC error code (and its status) reports.
 *
 * @example
 * ```ts
 * kindOfBcError(400, 'Request_EntityChanged') // 'conflict'
 * kindOfBcError(400, 'Application_DialogException') // 'validation'
 * ```
 */
export function kindOfBcError(status: number, code: string): ConnectorErrorKind {
  if (code === 'Request_EntityChanged') return 'conflict'
  if (code.startsWith('Authentication_')) return 'auth'
  if (code.startsWith('Authorization_')) return 'forbidden'
  if (/NotFound/i.test(code)) return 'not_found'
  return kindOfStatus(status)
}

/**
 * The connector error for a BC error answer.
 *
 * @param what the call in a few words (`GET /companies(…)/salesInvoices`), never its query
 * @example
 * ```ts
 * if (response.status >= 400) throw bcError('PATCH /companies(…)/documentAttachments(…)', response)
 * ```
 */
export function bcError(what: string, response: HttpResponse): ConnectorError {
  const text = response.text()
  const odata = odataErrorOf(text)
  const kind = kindOfBcError(response.status, odata?.code ?? '')
  const said = odata
    ? `${odata.code}${odata.message ? `: ${odata.message}` : ''}`
    : text.replace(/\s+/g, ' ').trim().slice(0, 300)
  return new ConnectorError(kind, `Business Central: ${what} answered ${response.status}${said ? ` ${said}` : ''}`, {
    status: response.status,
  })
}
