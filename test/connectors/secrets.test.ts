/**
 * A connection made through the API, through a tenant file, or through the CLI gets its secrets at write-back:
 * before connections, `enableConnector` (CLI, tenant files) stored them where write-back never looked. PostgreSQL
 * only: the CLI opens the hub's database as a second process would.
 */
import { join } from 'node:path'
import { runCli } from '@ksef-hub/cli'
import { captureIo } from '@ksef-hub/cli/io'
import { createGatewayApp } from '@ksef-hub/gateway'
import { connectorRegistry, issueApiKey, parseTenantFile, reconcileTenants } from '@ksef-hub/pipeline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Hub, startHub } from '../pipeline/hub.ts'
import vault, { received } from './vault-connector.ts'

const registry = connectorRegistry([vault])

describe('secrets reach write-back whichever way the connection was made (postgres)', () => {
  let hub: Hub
  beforeAll(async () => {
    hub = await startHub('postgres', { connectors: [vault] })
  })
  afterAll(() => hub?.close())

  it('hands each connection its own secrets', async () => {
    const { apiKey } = await issueApiKey(hub.context.db, hub.tenantId)
    const app = createGatewayApp({ context: hub.context, connectors: registry })
    const made = await app.request('/v1/connections', {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'by-api', connector: 'vault-crm', secrets: { apiKey: 'secret-api-1' } }),
    })
    expect(made.status).toBe(201)

    const file = parseTenantFile(
      'tenant.yaml',
      [
        `id: ${hub.tenantId}`,
        'name: E2E',
        `nip: "${hub.nip}"`,
        'environment: test',
        `ksefBaseUrl: ${hub.sim.url}`,
        'connectors:',
        '  by-file:',
        '    connector: vault-crm',
        '    settings: { region: eu }',
        '    secrets: { apiKey: { env: VAULT_KEY } }',
      ].join('\n'),
    )
    const [report] = await reconcileTenants(hub.context, [file], { VAULT_KEY: 'secret-file-2' }, registry)
    expect(report).toMatchObject({ action: 'updated' })

    const io = captureIo({
      env: {
        DATABASE_URL: hub.context.database.url as string,
        KSEF_HUB_MASTER_KEY: hub.context.keys.current.key.toString('base64'),
        KSEF_HUB_CONNECTORS: join(import.meta.dirname, 'vault-connector.ts'),
        VAULT_CLI_KEY: 'secret-cli-3',
      },
    })
    const code = await runCli(
      ['connector', 'enable', hub.tenantId, 'vault-crm', '--name', 'by-cli', '--secret', 'apiKey=VAULT_CLI_KEY'],
      io,
    )
    expect(code, io.err()).toBe(0)

    const ids: string[] = []
    for (const source of ['by-api', 'by-file', 'by-cli']) {
      ids.push(await hub.submit(undefined, { source, sourceRef: `doc-${source}` }))
    }
    await hub.waitFor(ids, ['confirmed'])
    const deadline = Date.now() + 30_000
    while (received.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
    expect([...received].sort((a, b) => a.connection.localeCompare(b.connection))).toEqual([
      { connection: 'by-api', ref: 'doc-by-api', apiKey: 'secret-api-1' },
      { connection: 'by-cli', ref: 'doc-by-cli', apiKey: 'secret-cli-3' },
      { connection: 'by-file', ref: 'doc-by-file', apiKey: 'secret-file-2' },
    ])
  })
})
