/**
 * The custom connector: any REST system, no code. A tenant file says where the source's changed documents are
 * and how often to look, how they map to invoices (JSONata), how KSeF's answer goes back (a PATCH, a signed
 * webhook, or not at all) and how the source's webhooks are signed; the connector does the rest with the SDK's
 * HTTP client, mapping and checks.
 *
 * @module
 */
import { defineConnector, SDK_VERSION } from '@ksef-hub/connector-sdk'
import { mapDocument } from './map.ts'
import { cursorSchema, pullPage } from './pull.ts'
import { hostsOf, secretsSchema, settingsSchema } from './settings.ts'
import { callSource } from './source.ts'
import { fill } from './templates.ts'
import { webhooks } from './webhooks.ts'
import { writeBack } from './write-back.ts'

export { type Cursor, cursorSchema } from './pull.ts'
export { type Secrets, type Settings, secretsSchema, settingsSchema } from './settings.ts'
export { signatureHeader, verifySignatureHeader } from './signing.ts'

/** The custom connector (`custom`). */
const custom = defineConnector({
  id: 'custom',
  displayName: 'Custom REST source',
  version: '0.1.0',
  sdkVersion: SDK_VERSION,
  settings: settingsSchema,
  secrets: secretsSchema,
  auth: { kind: 'static' },
  hosts: hostsOf,
  limits: (settings) => settings.limits,
  pull: { cursor: cursorSchema, everyMinutes: (settings) => settings.pull.everyMinutes, page: pullPage },
  map: mapDocument,
  writeBack,
  webhooks,
  async healthCheck(context) {
    const { pull } = context.settings
    const query: Record<string, string> = {}
    for (const [name, template] of Object.entries(pull.query)) {
      const value = fill(template, { limit: '1' })
      if (value !== undefined) query[name] = value
    }
    await callSource(context, { path: pull.path, query })
  },
})

export default custom
