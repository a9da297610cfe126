/**
 * The newcomer's path, as a real process: `pnpm start` (`ksef-hub start`) on the embedded defaults prints the
 * URLs and the demo tenant's API key; the README's example invoice, sent as its curl sends it, becomes confirmed
 * with a UPO; SIGTERM stops the hub cleanly; a restart on the same data folder keeps the key and the invoice.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..')

interface Hub {
  readonly process: ChildProcess
  readonly gatewayUrl: string
  readonly apiKey: string
  readonly stdout: () => string
  readonly exited: Promise<number | null>
}

async function startHub(dataDir: string): Promise<Hub> {
  const child = spawn(process.execPath, [join(ROOT, 'apps/cli/src/main.ts'), 'start'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      KSEF_HUB_DATA_DIR: dataDir,
      PORT: '0',
      KSEF_HUB_SIMULATOR_PORT: '0',
      KSEF_HUB_QUEUE_POLL_SECONDS: '0.5',
      KSEF_HUB_POLL_FIRST_MS: '300',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk) => {
    out += chunk
  })
  child.stderr.on('data', (chunk) => {
    err += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const deadline = Date.now() + 60_000
  while (!/^Try: /m.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the hub did not start:\n${out}\n${err}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const gatewayUrl = /^Gateway listening on (http:\/\/\S+)$/m.exec(out)?.[1]
  const apiKey = /^Demo tenant "demo" API key: (\S+)$/m.exec(out)?.[1]
  if (!gatewayUrl || !apiKey) throw new Error(`unexpected banner:\n${out}`)
  return { process: child, gatewayUrl, apiKey, stdout: () => out, exited }
}

/** The README's example invoice, read from the README itself so the two cannot drift apart. */
async function readmeExample(): Promise<{ idempotencyKey: string; body: string }> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8')
  const curl =
    /curl -s http:\/\/127\.0\.0\.1:3000\/v1\/invoices -H[^\n]*\\\n\s*-H 'Idempotency-Key: ([^']+)' -d '([^']+)'/.exec(
      readme,
    )
  if (!curl?.[1] || !curl[2]) throw new Error('the README no longer has the example curl')
  return { idempotencyKey: curl[1], body: curl[2] }
}

describe('pnpm start on the embedded defaults', () => {
  let dataDir: string
  let hub: Hub | undefined
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ksef-hub-start-'))
  })
  afterAll(async () => {
    hub?.process.kill('SIGKILL')
    await rm(dataDir, { recursive: true, force: true })
  })

  it('runs the README example to a confirmed invoice with its UPO, stops on SIGTERM and restarts with its state', async () => {
    hub = await startHub(dataDir)
    expect(hub.stdout()).toMatch(/^KSeF simulator listening on http:\/\/127\.0\.0\.1:\d+\/v2/m)
    expect(hub.apiKey).toMatch(/^ksh_[A-Za-z0-9]{12}_[A-Za-z0-9]{32}$/)
    const example = await readmeExample()
    const headers = { authorization: `Bearer ${hub.apiKey}` }
    const submitted = await fetch(`${hub.gatewayUrl}/v1/invoices`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': example.idempotencyKey },
      body: example.body,
    })
    expect(submitted.status).toBe(201)
    const { id } = (await submitted.json()) as { id: string }
    let view: Record<string, unknown> = {}
    for (let i = 0; i < 120 && view.state !== 'confirmed' && view.status !== 'rejected'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      view = (await (await fetch(`${hub.gatewayUrl}/v1/invoices/${id}`, { headers })).json()) as Record<string, unknown>
    }
    expect(view).toMatchObject({ status: 'confirmed', state: 'confirmed' })
    const upo = await fetch(`${hub.gatewayUrl}/v1/invoices/${id}/upo`, { headers })
    expect(upo.status).toBe(200)
    expect(await upo.text()).toContain(view.ksefNumber as string)

    hub.process.kill('SIGTERM')
    expect(await hub.exited).toBe(0)
    expect(hub.stdout()).toMatch(/^Stopping\.\.\.$/m)

    const again = await startHub(dataDir)
    hub = again
    expect(again.apiKey).toBe((/^Demo tenant "demo" API key: (\S+)$/m.exec(again.stdout()) ?? [])[1])
    const after = await fetch(`${again.gatewayUrl}/v1/invoices/${id}`, {
      headers: { authorization: `Bearer ${again.apiKey}` },
    })
    expect(await after.json()).toMatchObject({ status: 'confirmed', ksefNumber: view.ksefNumber })
    again.process.kill('SIGTERM')
    expect(await again.exited).toBe(0)
  }, 180_000)
})
