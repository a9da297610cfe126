/**
 * The Business Central connector: Dynamics 365 Business Central (API v2.0, plain HTTP through the SDK's client).
 * Posted sales invoices and credit memos of one or more companies go to KSeF (pulled by `lastModifiedDateTime`,
 * woken by BC's webhooks), KSeF's UPO goes back as an attachment of the posted document, and purchase invoices
 * received through KSeF become BC purchase invoices. Entra ID client credentials; BC's per-user limits.
 *
 * @module
 */
import { ConnectorError, defineConnector, SDK_VERSION } from '@ksef-hub/connector-sdk'
import { clientCredentials } from './auth.ts'
import { type BcContext, bcList } from './bc-client.ts'
import { cursorSchema } from './cursor.ts'
import { importIncoming } from './import.ts'
import { mapDocument } from './map.ts'
import { pullPage, readDocument } from './pull.ts'
import { companyRecord } from './records.ts'
import { hostsOf, limitsOf, secretsSchema, settingsSchema } from './settings.ts'
import { webhooks } from './webhooks.ts'
import { writeBack } from './write-back.ts'

export { type Cursor, cursorSchema } from './cursor.ts'
export { parseRef, refOf } from './refs.ts'
export { type Secrets, type Settings, secretsSchema, settingsSchema } from './settings.ts'
export { upoFileName } from './write-back.ts'

/**
 * One authenticated call (the environment's companies), which also proves each configured company exists.
 *
 * @throws `ConnectorError('not_found')` naming a configured company BC does not have
 * @example
 * ```ts
 * await healthCheck(context)
 * ```
 */
export async function healthCheck(context: BcContext): Promise<void> {
  const companies = await bcList(context, '/companies', companyRecord)
  const known = new Set(companies.map((company) => company.id.toLowerCase()))
  const missing = context.settings.companies.filter((id) => !known.has(id.toLowerCase()))
  if (missing.length > 0) {
    throw new ConnectorError(
      'not_found',
      `Business Central has no company ${missing.join(', ')} in environment ${context.settings.environment} (settings.companies); it has ${
        companies.map((company) => `${company.id} (${company.name ?? company.displayName ?? ''})`).join(', ') ||
        'none the app may see'
      }`,
    )
  }
}

/** The Business Central connector (`business-central`). */
const businessCentral = defineConnector({
  id: 'business-central',
  displayName: 'Dynamics 365 Business Central',
  version: '0.1.0',
  sdkVersion: SDK_VERSION,
  settings: settingsSchema,
  secrets: secretsSchema,
  auth: clientCredentials,
  hosts: hostsOf,
  limits: limitsOf,
  pull: {
    cursor: cursorSchema,
    everyMinutes: (settings) => settings.pull.everyMinutes,
    page: pullPage,
    document: readDocument,
  },
  map: mapDocument,
  writeBack,
  importIncoming,
  webhooks,
  healthCheck,
})

export default businessCentral
