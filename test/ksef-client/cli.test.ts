import { mkdtemp, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { runCli } from '@ksef-hub/cli'
import { sampleInvoice } from '@ksef-hub/ksef-client/testing'
import { startSimulator } from '@ksef-hub/ksef-simulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueToken, NIP, type Simulator } from './simulator.ts'

/** The CLI's io, collected in strings (the CLI's own helper is not part of its entry point). */
function captureIo(options: { env: Record<string, string> }) {
  const sink = () => {
    const chunks: string[] = []
    const stream = new Writable({
      write(chunk, _encoding, callback) {
        chunks.push(String(chunk))
        callback()
      },
    })
    return { stream, text: () => chunks.join('') }
  }
  const out = sink()
  const err = sink()
  return {
    stdout: out.stream,
    stderr: err.stream,
    cwd: process.cwd(),
    env: options.env,
    untilStopped: () => new Promise<void>(() => {}),
    out: out.text,
    err: err.text,
  }
}

let sim: Simulator
let token: string
let dir: string
beforeAll(async () => {
  sim = await startSimulator({ port: 0, rateLimits: 'relaxed', processingDelayMs: 20 })
  token = await issueToken(sim)
  dir = await mkdtemp(join(tmpdir(), 'ksef-e2e-cli-'))
})
afterAll(async () => sim.close())

describe('ksef-hub ksef send against the simulator', () => {
  for (const mode of ['online', 'batch'] as const) {
    it(`${mode}: one line per file, duplicate counts as done, UPOs saved`, async () => {
      const stamp = `${mode}-${Date.now()}`
      const files = []
      for (const [name, number] of [
        ['a', `CLI/${stamp}/1`],
        ['b', `CLI/${stamp}/2`],
      ] as const) {
        const path = join(dir, `${stamp}-${name}.xml`)
        await writeFile(path, sampleInvoice({ sellerNip: NIP, number }))
        files.push(path)
      }
      const upoDir = join(dir, `upo-${stamp}`)
      const io = captureIo({ env: { KSEF_TOKEN: token } })
      const args = [
        'ksef',
        'send',
        '--base-url',
        sim.url,
        '--nip',
        NIP,
        '--upo-dir',
        upoDir,
        ...(mode === 'batch' ? ['--batch'] : []),
        ...files,
      ]
      expect(await runCli(args, io)).toBe(0)
      const lines = io.out().trim().split('\n')
      expect(lines.map((line) => line.split('\t').length)).toEqual([2, 2])
      expect(lines[0]).toMatch(new RegExp(`\\t${NIP}-\\d{8}-[0-9A-F]{12}-[0-9A-F]{2}$`))
      expect((await readdir(upoDir)).length).toBe(2)
      const again = captureIo({ env: { KSEF_TOKEN: token } })
      expect(await runCli(['ksef', 'send', '--base-url', sim.url, '--nip', NIP, files[0] ?? ''], again)).toBe(0)
      expect(again.out().split('\t').slice(1, 3)).toEqual(['duplicate', '440'])
    })
  }
})
