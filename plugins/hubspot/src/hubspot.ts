/**
 * The HubSpot SDK as the connector uses it: the generated API classes of `@hubspot/api-client` 14 (the modules
 * `Client` builds its discovery from), each configured with the connection's base URL, the current bearer token
 * and the hub's transport (`transport.ts`). `hubspot(context, what, run)` runs one piece of work with them: with
 * fresh credentials (an OAuth token renewed once on a 401), its failures classified (`errors.ts`).
 *
 * @module
 */

import associations from '@hubspot/api-client/lib/codegen/crm/associations/v4/index.js'
import associationSchema from '@hubspot/api-client/lib/codegen/crm/associations/v4/schema/index.js'
import invoices from '@hubspot/api-client/lib/codegen/crm/commerce/invoices/index.js'
import companies from '@hubspot/api-client/lib/codegen/crm/companies/index.js'
import contacts from '@hubspot/api-client/lib/codegen/crm/contacts/index.js'
import lineItems from '@hubspot/api-client/lib/codegen/crm/line_items/index.js'
import notes from '@hubspot/api-client/lib/codegen/crm/objects/notes/index.js'
import properties from '@hubspot/api-client/lib/codegen/crm/properties/index.js'
import files from '@hubspot/api-client/lib/codegen/files/index.js'
import {
  type ConnectorContext,
  fetchOver,
  type HttpRequest,
  type HttpResponse,
  withFreshCredentials,
} from '@ksef-hub/connector-sdk'
import { bearerOf } from './auth.ts'
import { ACCEPTED, classify } from './errors.ts'
import type { Secrets, Settings } from './settings.ts'
import { sdkHttpLibrary } from './transport.ts'

/** The context of a HubSpot connection. */
export type HubSpotContext = ConnectorContext<Settings, Secrets>

/** The SDK's APIs the connector calls. */
export interface HubSpotApis {
  readonly invoices: {
    readonly basic: InstanceType<typeof invoices.BasicApi>
    readonly batch: InstanceType<typeof invoices.BatchApi>
    readonly search: InstanceType<typeof invoices.SearchApi>
  }
  readonly lineItems: InstanceType<typeof lineItems.BatchApi>
  readonly companies: InstanceType<typeof companies.BatchApi>
  readonly contacts: InstanceType<typeof contacts.BatchApi>
  readonly associations: {
    readonly basic: InstanceType<typeof associations.BasicApi>
    readonly batch: InstanceType<typeof associations.BatchApi>
    readonly labels: InstanceType<typeof associationSchema.DefinitionsApi>
  }
  readonly notes: {
    readonly basic: InstanceType<typeof notes.BasicApi>
    readonly batch: InstanceType<typeof notes.BatchApi>
  }
  readonly properties: {
    readonly core: InstanceType<typeof properties.CoreApi>
    readonly groups: InstanceType<typeof properties.GroupsApi>
  }
  readonly files: InstanceType<typeof files.FilesApi>
}

/**
 * Whether a call may be sent again after a failure with an unknown effect: searches and batch reads are reads
 * sent as POST; the invoice PATCH sets values (the same again changes nothing); creating a property or group again
 * is a 409 the write-back takes as "exists". Uploads and notes are never resent blindly.
 */
function idempotent(method: string, url: URL): boolean | undefined {
  const path = url.pathname
  if (method === 'POST' && /\/(search|batch\/read)$/.test(path)) return true
  if (method === 'PATCH' && /^\/crm\/v3\/objects\/invoices\/[^/]+$/.test(path)) return true
  if (method === 'POST' && /^\/crm\/v3\/properties\/[^/]+(\/groups)?$/.test(path)) return true
  return undefined
}

/**
 * The SDK's APIs for one attempt, with `accessToken`, over the connection's HTTP client.
 *
 * @example
 * ```ts
 * const apis = apisOf(context, bearerOf(context.settings, await context.credentials.current()))
 * const invoice = await apis.invoices.basic.getById('42', ['hs_number'])
 * ```
 */
export function apisOf(context: HubSpotContext, accessToken: string): HubSpotApis {
  const library = sdkHttpLibrary(fetchOver(context.http, { accept: ACCEPTED, idempotent }))
  const base = context.settings.baseUrl
  const authMethods = { oauth2: { accessToken } }
  // Each generated module has its own (nominal) configuration classes: one configuration per module, spelled out.
  const invoicesConfig = invoices.createConfiguration({
    baseServer: new invoices.ServerConfiguration(base, {}),
    httpApi: invoices.wrapHttpLibrary(library),
    authMethods,
  })
  const lineItemsConfig = lineItems.createConfiguration({
    baseServer: new lineItems.ServerConfiguration(base, {}),
    httpApi: lineItems.wrapHttpLibrary(library),
    authMethods,
  })
  const companiesConfig = companies.createConfiguration({
    baseServer: new companies.ServerConfiguration(base, {}),
    httpApi: companies.wrapHttpLibrary(library),
    authMethods,
  })
  const contactsConfig = contacts.createConfiguration({
    baseServer: new contacts.ServerConfiguration(base, {}),
    httpApi: contacts.wrapHttpLibrary(library),
    authMethods,
  })
  const associationsConfig = associations.createConfiguration({
    baseServer: new associations.ServerConfiguration(base, {}),
    httpApi: associations.wrapHttpLibrary(library),
    authMethods,
  })
  const labelsConfig = associationSchema.createConfiguration({
    baseServer: new associationSchema.ServerConfiguration(base, {}),
    httpApi: associationSchema.wrapHttpLibrary(library),
    authMethods,
  })
  const notesConfig = notes.createConfiguration({
    baseServer: new notes.ServerConfiguration(base, {}),
    httpApi: notes.wrapHttpLibrary(library),
    authMethods,
  })
  const propertiesConfig = properties.createConfiguration({
    baseServer: new properties.ServerConfiguration(base, {}),
    httpApi: properties.wrapHttpLibrary(library),
    authMethods,
  })
  const filesConfig = files.createConfiguration({
    baseServer: new files.ServerConfiguration(base, {}),
    httpApi: files.wrapHttpLibrary(library),
    authMethods,
  })
  return {
    invoices: {
      basic: new invoices.BasicApi(invoicesConfig),
      batch: new invoices.BatchApi(invoicesConfig),
      search: new invoices.SearchApi(invoicesConfig),
    },
    lineItems: new lineItems.BatchApi(lineItemsConfig),
    companies: new companies.BatchApi(companiesConfig),
    contacts: new contacts.BatchApi(contactsConfig),
    associations: {
      basic: new associations.BasicApi(associationsConfig),
      batch: new associations.BatchApi(associationsConfig),
      labels: new associationSchema.DefinitionsApi(labelsConfig),
    },
    notes: { basic: new notes.BasicApi(notesConfig), batch: new notes.BatchApi(notesConfig) },
    properties: {
      core: new properties.CoreApi(propertiesConfig),
      groups: new properties.GroupsApi(propertiesConfig),
    },
    files: new files.FilesApi(filesConfig),
  }
}

/**
 * Runs HubSpot work with the SDK: fresh credentials (renewed once when HubSpot answers 401), failures classified.
 *
 * @param what the work in a few words, for messages (`search invoices`)
 * @example
 * ```ts
 * const page = await hubspot(context, 'search invoices', (apis) => apis.invoices.search.doSearch(request))
 * ```
 */
export function hubspot<T>(context: HubSpotContext, what: string, run: (apis: HubSpotApis) => Promise<T>): Promise<T> {
  return withFreshCredentials(context.credentials, async (secrets) => {
    try {
      return await run(apisOf(context, bearerOf(context.settings, secrets)))
    } catch (error) {
      throw classify(error, what, context.now())
    }
  })
}

/**
 * One HubSpot call the SDK has no module for (the tax-rate library), through the connection's HTTP client with
 * the bearer token; `url` is a path on the API's origin.
 *
 * @example
 * ```ts
 * const rate = await hubspotRequest(context, { url: '/tax-rates/v1/tax-rates/123', accept: [404] })
 * ```
 */
export function hubspotRequest(context: HubSpotContext, request: HttpRequest): Promise<HttpResponse> {
  return withFreshCredentials(context.credentials, (secrets) =>
    context.http.request({
      ...request,
      url: `${context.settings.baseUrl}${String(request.url)}`,
      headers: { ...request.headers, authorization: `Bearer ${bearerOf(context.settings, secrets)}` },
    }),
  )
}
