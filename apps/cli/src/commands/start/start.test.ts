import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { type RunningSimulator, startSimulator } from '@ksef-hub/ksef-simulator'
import { generateMasterKey } from '@ksef-hub/pipeline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../cli.ts'
import { type CapturedIo, captureIo } from '../../io.ts'
import { type FreshDatabase, freshDatabase } from '../../testing/fresh-database.ts'

const NIP = '5265877635'
const API_KEY = 'ksh_RolesRoles01_abcdefghijklmnopqrstuvwxyz012345'

async function waitForLine(io: CapturedIo, pattern: RegExp): Promise<RegExpExecArray> {
  for (let i = 0; i < 400; i++) {
    const match = pattern.exec(io.out())
    if (match) return match
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`no ${pattern} in:\n${io.out()}\n${io.err()}`)
}

describe('ksef-hub start', () => {
  it('refuses an unknown role and a wrong variable with a clear message', async () => {
    const role = captureIo()
    expect(await runCli(['start', '--role', 'both'], role)).toBe(2)
    expect(role.err()).toContain('--role must be gateway, worker or all, not "both"')
    const port = captureIo({ env: { PORT: 'eighty' } })
    expect(await runCli(['start'], port)).toBe(1)
    expect(port.err()).toMatch(/ksef-hub start: invalid configuration: PORT must be a port number/)
  })

  describe('gateway and worker as separate roles on one PostgreSQL', () => {
    let database: FreshDatabase
    let sim: RunningSimulator
    let dir: string
    beforeAll(async () => {
      database = await freshDatabase('start')
      sim = await startSimulator({ port: 0, seedTokens: [{ nip: NIP, token: 'roles-token' }], log: () => {} })
      dir = await mkdtemp(join(tmpdir(), 'cli-start-'))
      await writeFile(
        join(dir, 'acme.yaml'),
        `id: acme\nname: Acme\nnip: "${NIP}"\nenvironment: test\nksefBaseUrl: ${sim.url}\n` +
          'credentials:\n  ksefToken: { env: ACME_TOKEN }\napiKey: { env: ACME_API_KEY }\n',
      )
    })
    afterAll(async () => {
      await database?.drop()
      await sim?.close()
      await rm(dir, { recursive: true, force: true })
    })

    it('the gateway takes the invoice, the worker (another role) confirms it', async () => {
      const env = {
        DATABASE_URL: database.url,
        KSEF_HUB_MASTER_KEY: generateMasterKey(),
        KSEF_HUB_TENANTS_DIR: dir,
        PORT: '0',
        LOG_LEVEL: 'silent',
        KSEF_HUB_QUEUE_POLL_SECONDS: '0.5',
        KSEF_HUB_POLL_FIRST_MS: '200',
        KSEF_HUB_KSEF_RATE_LIMITS: 'off',
        ACME_TOKEN: 'roles-token',
        ACME_API_KEY: API_KEY,
      }
      const gatewayIo = captureIo({ env: { ...env, KSEF_HUB_ROLE: 'gateway' }, cwd: dir })
      const gatewayRun = runCli(['start'], gatewayIo)
      const [, url] = await waitForLine(gatewayIo, /^Gateway listening on (http:\/\/\S+)$/m)
      expect(gatewayIo.out()).not.toContain('Worker running')
      // No simulator on PostgreSQL unless asked: the tenant files name their KSeF.
      expect(gatewayIo.out()).not.toContain('KSeF simulator')

      const headers = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' }
      const invoice = typicalInvoice({ sellerNip: NIP, number: 'FV/ROLES/1', lines: 2, issueDate: '2026-11-02' })
      const submitted = await fetch(`${url}/v1/invoices`, { method: 'POST', headers, body: JSON.stringify(invoice) })
      expect(submitted.status).toBe(201)
      const { id } = (await submitted.json()) as { id: string }
      const read = async () =>
        (await (await fetch(`${url}/v1/invoices/${id}`, { headers })).json()) as { state: string }
      await new Promise((resolve) => setTimeout(resolve, 1_500))
      expect((await read()).state).toBe('received')

      const workerIo = captureIo({ env, cwd: dir })
      const workerRun = runCli(['start', '--role', 'worker'], workerIo)
      await waitForLine(workerIo, /^Worker running on PostgreSQL$/m)
      expect(workerIo.out()).not.toContain('Gateway listening')
      let view = await read()
      for (let i = 0; i < 120 && view.state !== 'confirmed'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 250))
        view = await read()
      }
      expect(view.state).toBe('confirmed')

      workerIo.stop()
      gatewayIo.stop()
      expect(await workerRun).toBe(0)
      expect(await gatewayRun).toBe(0)
    }, 90_000)
  })
})
