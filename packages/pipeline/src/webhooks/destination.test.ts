import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkDestination, guardedFetch, isPrivateAddress } from './destination.ts'

describe('webhook destinations', () => {
  it('tells private addresses from public ones, IPv4 and IPv6', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.5',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      'not an address',
    ]) {
      expect(isPrivateAddress(address), address).toBe(true)
    }
    for (const address of ['203.0.113.7', '8.8.8.8', '172.32.0.1', '2001:db8::1', '::ffff:203.0.113.7']) {
      expect(isPrivateAddress(address), address).toBe(false)
    }
  })

  it('refuses a host that resolves to a private address, naming both; allows it when the operator says so', async () => {
    const resolve = async (host: string) => (host === 'metadata.example' ? ['203.0.113.9', '169.254.169.254'] : [])
    await expect(checkDestination('https://metadata.example/hook', { resolve })).rejects.toMatchObject({
      code: 'CONFIGURATION',
      message: expect.stringContaining('metadata.example resolves to 169.254.169.254, a private address'),
    })
    await expect(checkDestination('http://[::1]:8080/hook')).rejects.toMatchObject({ code: 'CONFIGURATION' })
    await expect(checkDestination('http://nothing.example/hook', { resolve })).rejects.toMatchObject({
      message: expect.stringContaining('no address'),
    })
    await expect(
      checkDestination('https://metadata.example/hook', { resolve, allowPrivateNetworks: true }),
    ).resolves.toBeUndefined()
  })

  it('lets a public address through', async () => {
    await expect(
      checkDestination('https://erp.example/hook', { resolve: async () => ['203.0.113.7', '2001:db8::7'] }),
    ).resolves.toBeUndefined()
    await expect(checkDestination('https://203.0.113.7/hook')).resolves.toBeUndefined()
  })

  describe('at connection time (DNS rebinding)', () => {
    let receiver: Server
    let port: number
    let received = 0
    beforeAll(async () => {
      receiver = createServer((_, response) => {
        received++
        response.end('ok')
      })
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
      port = (receiver.address() as AddressInfo).port
    })
    afterAll(() => new Promise((resolve) => receiver.close(resolve)))

    it('refuses a name that resolved to a public address for the check and to a private one for the connection', async () => {
      const answers = [['203.0.113.7'], ['127.0.0.1']]
      const asked: string[] = []
      const resolve = async (host: string) => {
        asked.push(host)
        return answers.shift() ?? []
      }
      const url = `http://rebind.example:${port}/hook`
      await expect(checkDestination(url, { resolve })).resolves.toBeUndefined()
      const failure = await guardedFetch({ resolve })(url, { method: 'POST', body: '{}' }).then(
        () => undefined,
        (error: Error) => error,
      )
      expect((failure?.cause as Error | undefined)?.message).toContain(
        'rebind.example resolved to 127.0.0.1 when connecting, a private address',
      )
      expect(asked).toEqual(['rebind.example', 'rebind.example'])
      expect(received).toBe(0)
    })
  })
})
