/**
 * The HubSpot connector: invoices of a HubSpot portal (CRM invoices with their line items, company and contact) to
 * KSeF, on the official `@hubspot/api-client` 14 (its generated API classes, sending through the hub's HTTP
 * client). Pulled by `hs_lastmodifieddate` and woken by HubSpot's v3-signed webhooks; KSeF's answer goes back as
 * invoice properties and a note with the UPO. A private app's token or an OAuth app's renewed token. HubSpot has
 * no accounts payable: purchase invoices are not imported.
 *
 * @module
 */
import { defineConnector, SDK_VERSION } from '@ksef-hub/connector-sdk'
import { hubspotAuth } from './auth.ts'
import { cursorSchema } from './cursor.ts'
import { type HubSpotContext, hubspot } from './hubspot.ts'
import { mapDocument } from './map.ts'
import { pullPage, readDocument } from './pull.ts'
import { accountOf, hostsOf, limitsOf, secretsSchema, settingsSchema } from './settings.ts'
import { webhooks } from './webhooks.ts'
import { writeBack } from './write-back.ts'

export { type Cursor, cursorSchema } from './cursor.ts'
export { type Secrets, type Settings, secretsSchema, settingsSchema } from './settings.ts'
export { noteBody, upoFileName } from './upo-note.ts'
export { signatureV3 } from './webhooks.ts'

/**
 * One cheap authenticated call: the first invoice of the portal's list (one record, one property).
 *
 * @example
 * ```ts
 * await healthCheck(context)
 * ```
 */
export async function healthCheck(context: HubSpotContext): Promise<void> {
  await hubspot(context, 'list invoices', (apis) => apis.invoices.basic.getPage(1, undefined, ['hs_number']))
}

/** The HubSpot connector (`hubspot`). */
const hubspotConnector = defineConnector({
  id: 'hubspot',
  displayName: 'HubSpot',
  version: '0.1.0',
  sdkVersion: SDK_VERSION,
  settings: settingsSchema,
  secrets: secretsSchema,
  auth: hubspotAuth,
  hosts: hostsOf,
  account: accountOf,
  limits: limitsOf,
  pull: {
    cursor: cursorSchema,
    everyMinutes: (settings) => settings.pull.everyMinutes,
    page: pullPage,
    document: readDocument,
  },
  map: mapDocument,
  writeBack,
  webhooks,
  healthCheck,
})

export default hubspotConnector
