import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { generateMasterKey } from '../secrets/master-key.ts'
import { loadConfig } from './config.ts'
import { resolveMasterKey } from './master-key-file.ts'
import { requestBudgetOf } from './request-budget.ts'
import { EMBEDDED_RATE_LIMIT_MARGIN_MS, workerOptionsOf } from './worker-options.ts'

describe('configuration', () => {
  it('has twelve-factor defaults', () => {
    expect(loadConfig({})).toEqual({
      KSEF_HUB_DATA_DIR: '.data',
      PORT: 3000,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      KSEF_HUB_ROLE: 'all',
      KSEF_HUB_TENANTS_DIR: 'tenants',
      KSEF_HUB_SIMULATOR: 'auto',
      KSEF_HUB_SIMULATOR_PORT: 3001,
      KSEF_HUB_KSEF_RATE_LIMITS: 'official',
      KSEF_HUB_WEBHOOK_PRIVATE_NETWORKS: 'block',
    })
    expect(loadConfig({ PORT: '8080', KSEF_HUB_ROLE: 'worker', DATABASE_URL: '' })).toMatchObject({
      PORT: 8080,
      KSEF_HUB_ROLE: 'worker',
    })
  })

  it('reads the worker tuning and turns it into worker options', () => {
    const config = loadConfig({
      KSEF_HUB_RECONCILE_GRACE_MS: '1000',
      KSEF_HUB_POLL_FIRST_MS: '200',
      KSEF_HUB_KSEF_RATE_LIMITS: 'off',
      KSEF_HUB_QUEUE_POLL_SECONDS: '0.5',
    })
    expect(workerOptionsOf(config)).toEqual({
      rateLimits: 'off',
      // No DATABASE_URL: the embedded database, whose single connection wants a wider limiter margin.
      tuning: { reconcileGraceMs: 1000, pollFirstMs: 200, rateLimitMarginMs: EMBEDDED_RATE_LIMIT_MARGIN_MS },
      pollingIntervalSeconds: 0.5,
      webhookPrivateNetworks: 'block',
    })
    expect(workerOptionsOf(loadConfig({ DATABASE_URL: 'postgres://hub@db/hub' })).tuning).toEqual({})
    expect(workerOptionsOf(loadConfig({ KSEF_HUB_PUBLIC_URL: 'https://hub.example.com' })).publicUrl).toBe(
      'https://hub.example.com',
    )
    expect(() => loadConfig({ KSEF_HUB_PUBLIC_URL: 'hub.example.com' })).toThrow(/KSEF_HUB_PUBLIC_URL must be an http/)
    expect(() => loadConfig({ KSEF_HUB_POLL_MAX_MS: '-5' })).toThrow(/KSEF_HUB_POLL_MAX_MS/)
    expect(() => loadConfig({ KSEF_HUB_QUEUE_POLL_SECONDS: '0.1' })).toThrow(
      /KSEF_HUB_QUEUE_POLL_SECONDS must be at least 0.5/,
    )
  })

  it('reads the tenant request budget; an unset burst is twice the rate', () => {
    expect(requestBudgetOf(loadConfig({}))).toEqual({ requestsPerSecond: 1000, burst: 2000 })
    expect(requestBudgetOf(loadConfig({ KSEF_HUB_TENANT_REQUESTS_PER_SECOND: '50' }))).toEqual({
      requestsPerSecond: 50,
      burst: 100,
    })
    expect(
      requestBudgetOf(loadConfig({ KSEF_HUB_TENANT_REQUESTS_PER_SECOND: '0.5', KSEF_HUB_TENANT_REQUEST_BURST: '3' })),
    ).toEqual({ requestsPerSecond: 0.5, burst: 3 })
    expect(() => loadConfig({ KSEF_HUB_TENANT_REQUESTS_PER_SECOND: '0' })).toThrow(
      /KSEF_HUB_TENANT_REQUESTS_PER_SECOND must be above 0/,
    )
    expect(() => loadConfig({ KSEF_HUB_TENANT_REQUEST_BURST: '2.5' })).toThrow(/KSEF_HUB_TENANT_REQUEST_BURST/)
  })

  it('names every wrong variable, and never echoes a key', () => {
    expect(() =>
      loadConfig({ PORT: 'eighty', KSEF_HUB_ROLE: 'both', DATABASE_URL: 'mysql://secret@db', LOG_LEVEL: 'loud' }),
    ).toThrow(/PORT .*"eighty".*DATABASE_URL must be a postgres:\/\/.*LOG_LEVEL|PORT .*KSEF_HUB_ROLE/)
    try {
      loadConfig({ DATABASE_URL: 'mysql://user:hunter2@db' })
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2')
    }
  })

  it('generates a master key once for the embedded database, and refuses to start without one on PostgreSQL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hub-data-'))
    const config = loadConfig({ KSEF_HUB_DATA_DIR: dir })
    const first = await resolveMasterKey(config)
    expect(first.generatedAt).toBe(join(dir, 'master.key'))
    expect((await stat(join(dir, 'master.key'))).mode & 0o777).toBe(0o600)
    const second = await resolveMasterKey(config)
    expect(second.generatedAt).toBeUndefined()
    expect(second.ring.current.id).toBe(first.ring.current.id)
    expect((await readFile(join(dir, 'master.key'), 'utf8')).trim()).toHaveLength(44)
    await expect(resolveMasterKey(loadConfig({ DATABASE_URL: 'postgres://db/hub' }))).rejects.toThrow(
      /KSEF_HUB_MASTER_KEY must be set when DATABASE_URL is/,
    )
    const key = generateMasterKey()
    const fromEnv = await resolveMasterKey(loadConfig({ DATABASE_URL: 'postgres://db/hub', KSEF_HUB_MASTER_KEY: key }))
    expect(fromEnv.from).toBe('env')
    await rm(dir, { recursive: true })
  })
})
