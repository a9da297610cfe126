/**
 * A connector that records the secrets its write-backs receive, loaded by the test as any plugin is (in the
 * worker's list, and through `KSEF_HUB_CONNECTORS` by the CLI).
 *
 * @module
 */
import { defineConnector, SDK_VERSION } from '@ksef-hub/connector-sdk'
import { z } from 'zod'

/** What each write-back received: the connection and the secret it read. */
export const received: { connection: string; ref: string; apiKey: string }[] = []

export default defineConnector({
  id: 'vault-crm',
  displayName: 'Vault CRM',
  version: '1.0.0',
  sdkVersion: SDK_VERSION,
  settings: z.object({ region: z.enum(['eu', 'us']).default('eu') }),
  secrets: z.object({ apiKey: z.string().min(8) }),
  hosts: () => [],
  async writeBack(context, document) {
    const { apiKey } = await context.credentials.current()
    received.push({ connection: context.connection.name, ref: document.ref, apiKey })
    return { method: 'field' }
  },
})
