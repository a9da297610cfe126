import { describe, expect, it } from 'vitest'
import { runCli } from '../cli.ts'
import { captureIo } from '../io.ts'

describe('ksef-hub simulator', () => {
  it('prints exactly one line with the URL, serves until stopped, then exits 0', async () => {
    const io = captureIo()
    const running = runCli(['simulator', '--port', '0', '--seed-token', '5265877635:seeded-token'], io)
    let line = ''
    for (let i = 0; i < 200 && !line; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      line = io.out()
    }
    expect(line).toMatch(/^KSeF simulator listening on http:\/\/127\.0\.0\.1:\d+\/v2\n$/)
    const url = line.trim().split(' ').at(-1) as string
    const keys = await (await fetch(`${url}/security/public-key-certificates`)).json()
    expect(keys).toHaveLength(2)
    io.stop()
    expect(await running).toBe(0)
    expect(io.out()).toBe(line)
  })

  it('refuses bad options with exit code 2', async () => {
    const io = captureIo()
    expect(await runCli(['simulator', '--rate-limits', 'fast'], io)).toBe(2)
    expect(io.err()).toContain('--rate-limits must be prd or relaxed')
    expect(await runCli(['simulator', '--seed-token', 'nonsense'], captureIo())).toBe(2)
  })
})
