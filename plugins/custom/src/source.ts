/**
 * Calls to the source system: its base URL, its API key in the configured header, through the context's HTTP
 * client (timeouts, retries, the connection's limits and hosts, a size limit). The key never reaches a log: it
 * travels only in the request's headers.
 *
 * @module
 */
import type { ConnectorContext, HttpRequest, HttpResponse } from '@ksef-hub/connector-sdk'
import type { Secrets, Settings } from './settings.ts'
import { fill } from './templates.ts'

/** The context of the custom connector. */
export type CustomContext = ConnectorContext<Settings, Secrets>

/** A call to the source: a path after `baseUrl` instead of a URL. */
export type SourceRequest = Omit<HttpRequest, 'url'> & { readonly path: string }

/**
 * The URL of a path on the source (`baseUrl` may carry a path of its own: `https://erp.example.com/api/v2`).
 *
 * @example
 * ```ts
 * sourceUrl('https://erp.example.com/api/', '/invoices') // 'https://erp.example.com/api/invoices'
 * ```
 */
export function sourceUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`
}

/**
 * A path template filled with a document's id, percent-encoded (an id may hold "/" or spaces).
 *
 * @example
 * ```ts
 * documentPath('/invoices/{ref}', 'FV 1/2') // '/invoices/FV%201%2F2'
 * ```
 */
export function documentPath(template: string, ref: string): string {
  return fill(template, { ref }, encodeURIComponent) ?? template
}

/**
 * Sends a request to the source with its API key.
 *
 * @example
 * ```ts
 * const document = (await callSource(context, { path: '/invoices/inv_0001' })).json()
 * ```
 */
export async function callSource(context: CustomContext, request: SourceRequest): Promise<HttpResponse> {
  const { settings } = context
  const { apiKey } = await context.credentials.current()
  const { path, headers, ...rest } = request
  const value = settings.auth.scheme ? `${settings.auth.scheme} ${apiKey}` : apiKey
  return context.http.request({
    ...rest,
    url: sourceUrl(settings.baseUrl, path),
    headers: { ...headers, [settings.auth.header]: value },
  })
}
