import { defineConnector, SDK_VERSION } from '@ksef-hub/connector-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { deleteTenant } from '../tenants/lifecycle.ts'
import { createTenant } from '../tenants/tenants.ts'
import { testBackends } from '../testing/backends.ts'
import { testConnector } from '../testing/connectors.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import {
  type ConnectionInput,
  connectionSecrets,
  getConnection,
  listConnections,
  saveConnection,
} from './connections.ts'
import { markNeedsReauth } from './health.ts'
import { connectorRegistry } from './registry.ts'

// A connector that can import incoming invoices, beside test-crm that cannot.
const importer = defineConnector({
  id: 'importer',
  displayName: 'Importer',
  version: '1.0.0',
  sdkVersion: SDK_VERSION,
  settings: z.object({}),
  secrets: z.object({ apiKey: z.string().min(1) }),
  hosts: () => [],
  importIncoming: async () => ({ ref: 'bill-1', created: true }),
})
const registry = connectorRegistry([testConnector('test-crm'), importer])

describe.each(testBackends())('saving connections (%s)', (backend) => {
  let context: TestContext
  beforeAll(async () => {
    context = await openTestContext(backend)
    for (const id of ['acme', 'refused', 'other']) {
      await createTenant(context.db, { id, name: id, nip: '5265877635', environment: 'test' })
    }
  })
  afterAll(() => context.close())

  const save = (tenantId: string, input: ConnectionInput) =>
    saveConnection(context.db, context.keys, registry, tenantId, input, 'cli')
  const auditOf = (tenantId: string) =>
    context.db
      .selectFrom('audit_log')
      .select(['kind', 'actor', 'details'])
      .where('tenant_id', '=', tenantId)
      .where('kind', 'like', 'connection.%')
      .orderBy('id')
      .execute()

  it('creates a connection named after its connector, its secrets encrypted, with an audit entry', async () => {
    const saved = await save('acme', {
      connector: 'test-crm',
      settings: { pipeline: 'sales' },
      secrets: { accessToken: 'token-one-value' },
    })
    expect(saved).toMatchObject({
      tenantId: 'acme',
      name: 'test-crm',
      connector: 'test-crm',
      enabled: true,
      importIncoming: false,
      settings: { pipeline: 'sales' },
      status: 'active',
      statusReason: null,
    })
    expect(await connectionSecrets(context.db, context.keys, 'acme', 'test-crm')).toEqual({
      accessToken: 'token-one-value',
    })
    const stored = await context.db
      .selectFrom('secrets')
      .select(['name', 'ciphertext'])
      .where('tenant_id', '=', 'acme')
      .execute()
    expect(stored.map((row) => row.name)).toEqual(['connector:test-crm'])
    expect(Buffer.from(stored[0]?.ciphertext ?? []).toString()).not.toContain('token-one-value')
    // The audit names the settings and says secrets were set, never their values.
    expect(await auditOf('acme')).toEqual([
      {
        kind: 'connection.created',
        actor: 'cli',
        details: {
          connection: 'test-crm',
          connector: 'test-crm',
          enabled: true,
          importIncoming: false,
          settings: ['pipeline'],
          credentialsReplaced: true,
        },
      },
    ])
  })

  it('refuses what does not fit, naming the field, and stores nothing', async () => {
    await save('other', { name: 'taken', connector: 'importer', secrets: { apiKey: 'k' } })
    const refusals: [ConnectionInput, string][] = [
      [
        { connector: 'test-crm', settings: { baseUrl: 'not a url' }, secrets: { accessToken: 't' } },
        'settings.baseUrl',
      ],
      [{ connector: 'test-crm', secrets: { accessToken: '' } }, 'secrets.accessToken'],
      [{ connector: 'test-crm' }, 'secrets.accessToken'],
      [{ connector: 'quickbooks', secrets: { accessToken: 't' } }, 'connector'],
      [{ name: 'api', connector: 'test-crm', secrets: { accessToken: 't' } }, 'name'],
      [{ name: 'Sales CRM', connector: 'test-crm', secrets: { accessToken: 't' } }, 'name'],
      [{ connector: 'test-crm', importIncoming: true, secrets: { accessToken: 't' } }, 'importIncoming'],
    ]
    for (const [input, field] of refusals) {
      await expect(save('refused', input), field).rejects.toMatchObject({ code: 'CONFIGURATION', details: { field } })
    }
    // A name another connector's connection has.
    await save('refused', { name: 'crm', connector: 'test-crm', secrets: { accessToken: 't' } })
    await expect(
      save('refused', { name: 'crm', connector: 'importer', secrets: { apiKey: 'k' } }),
    ).rejects.toMatchObject({
      code: 'CONFIGURATION',
      details: { field: 'connector' },
      message: expect.stringMatching(/is a test-crm connection/),
    })
    expect((await listConnections(context.db, 'refused')).map((connection) => connection.connector)).toEqual([
      'test-crm',
    ])
    expect(await connectionSecrets(context.db, context.keys, 'refused', 'crm')).toEqual({ accessToken: 't' })
    expect((await auditOf('refused')).map((entry) => entry.kind)).toEqual(['connection.created'])
  })

  it('names every problem, the first as the field', async () => {
    const refused = save('refused', { name: 'two', connector: 'test-crm', settings: { baseUrl: 1 }, secrets: {} })
    await expect(refused).rejects.toMatchObject({
      details: {
        field: 'settings.baseUrl',
        problems: [
          expect.objectContaining({ field: 'settings.baseUrl' }),
          expect.objectContaining({ field: 'secrets.accessToken' }),
        ],
      },
    })
  })

  it('keeps the stored secrets and settings when they are not given, and checks the stored secrets', async () => {
    await save('acme', {
      name: 'kept',
      connector: 'test-crm',
      settings: { pipeline: 'a' },
      secrets: { accessToken: 'one' },
    })
    const renamed = await save('acme', { name: 'kept', connector: 'test-crm', settings: { pipeline: 'b' } })
    expect(renamed.settings).toEqual({ pipeline: 'b' })
    expect(await connectionSecrets(context.db, context.keys, 'acme', 'kept')).toEqual({ accessToken: 'one' })
    const same = await save('acme', { name: 'kept', connector: 'test-crm' })
    expect(same.settings).toEqual({ pipeline: 'b' })
    await save('acme', { name: 'kept', connector: 'test-crm', secrets: { accessToken: 'two', webhookSecret: 'w' } })
    expect(await connectionSecrets(context.db, context.keys, 'acme', 'kept')).toEqual({
      accessToken: 'two',
      webhookSecret: 'w',
    })
    // Secrets replaced, not merged: what was given is what is stored.
    await save('acme', { name: 'kept', connector: 'test-crm', secrets: { accessToken: 'three' } })
    expect(await connectionSecrets(context.db, context.keys, 'acme', 'kept')).toEqual({ accessToken: 'three' })
    const kinds = (await auditOf('acme')).filter(
      (entry) => (entry.details as { connection: string }).connection === 'kept',
    )
    expect(
      kinds.map((entry) => [entry.kind, (entry.details as { credentialsReplaced: boolean }).credentialsReplaced]),
    ).toEqual([
      ['connection.created', true],
      ['connection.updated', false],
      ['connection.updated', false],
      ['connection.updated', true],
      ['connection.updated', true],
    ])
  })

  it('clears needs_reauth when new secrets are set (not when only settings change), with the audit saying so', async () => {
    const connection = await save('acme', { name: 'reauth', connector: 'test-crm', secrets: { accessToken: 'old' } })
    await markNeedsReauth(context, { ...connection }, 'invalid_grant')
    const settingsOnly = await save('acme', { name: 'reauth', connector: 'test-crm', settings: { pipeline: 'x' } })
    expect(settingsOnly).toMatchObject({ status: 'needs_reauth', statusReason: 'invalid_grant' })
    const renewed = await save('acme', { name: 'reauth', connector: 'test-crm', secrets: { accessToken: 'new' } })
    expect(renewed).toMatchObject({ status: 'active', statusReason: null })
    const [last] = (await auditOf('acme')).reverse()
    expect(last).toMatchObject({ kind: 'connection.updated', details: { connection: 'reauth', reauthorized: true } })
  })

  it('keeps enabled and importIncoming when a change does not give them (a re-authorization changes only secrets)', async () => {
    await save('acme', {
      name: 'bills',
      connector: 'importer',
      importIncoming: true,
      enabled: false,
      secrets: { apiKey: 'a' },
    })
    const reauthorized = await save('acme', { name: 'bills', connector: 'importer', secrets: { apiKey: 'b' } })
    expect(reauthorized).toMatchObject({ enabled: false, importIncoming: true })
    const enabled = await save('acme', { name: 'bills', connector: 'importer', enabled: true, importIncoming: false })
    expect(enabled).toMatchObject({ enabled: true, importIncoming: false })
  })

  it('stores nothing when the secrets cannot be stored (a deleted tenant keeps none)', async () => {
    await createTenant(context.db, { id: 'gone', name: 'Gone', nip: '5265877635', environment: 'test' })
    await deleteTenant(context.db, 'gone', { actor: 'cli' })
    await expect(save('gone', { connector: 'test-crm', secrets: { accessToken: 't' } })).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
    })
    expect(await listConnections(context.db, 'gone')).toEqual([])
    expect(await auditOf('gone')).toEqual([])
  })

  it('finds a connection by name or id within its tenant only', async () => {
    const connection = await getConnection(context.db, 'acme', 'test-crm')
    expect((await getConnection(context.db, 'acme', connection.id)).name).toBe('test-crm')
    await expect(getConnection(context.db, 'other', connection.id)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(getConnection(context.db, 'other', 'test-crm')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect((await listConnections(context.db, 'acme')).map((each) => each.name)).toEqual([
      'bills',
      'kept',
      'reauth',
      'test-crm',
    ])
  })
})
