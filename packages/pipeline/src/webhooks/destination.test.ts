import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PipelineError } from '../errors.ts'
import { checkDestination, guardedFetch, isDestinationRefusal, isPrivateAddress } from './destination.ts'

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
      '::ffff:7f00:1',
      'not an address',
    ]) {
      expect(isPrivateAddress(address), address).toBe(true)
    }
    for (const address of ['203.0.113.7', '8.8.8.8', '172.32.0.1', '2001:db8::1', '::ffff:203.0.113.7']) {
      expect(isPrivateAddress(address), address).toBe(false)
    }
  })

  it('refuses the IPv6 forms that reach private IPv4 networks, decoding the IPv4 address they carry', () => {
    for (const address of [
      // NAT64, well-known prefix: 10.0.0.1, 169.254.169.254, 127.0.0.1
      '64:ff9b::a00:1',
      '64:ff9b::10.0.0.1',
      '64:ff9b::a9fe:a9fe',
      '64:ff9b::7f00:1',
      // NAT64, local-use prefix: the operator's own translators
      '64:ff9b:1::cb00:7107',
      // 6to4 of 192.168.1.1 and 10.1.2.3
      '2002:c0a8:101::1',
      '2002:a01:203::',
      // Teredo, whatever it carries
      '2001:0:4136:e378:8000:63bf:3fff:fdd2',
      '2001::cb00:7107',
      // IPv4-compatible (deprecated): 10.0.0.1 and even a public one
      '::a00:1',
      '::10.0.0.1',
      '::cb00:7107',
      // IPv4-translated (RFC 6145) of 127.0.0.1
      '::ffff:0:7f00:1',
      // site-local
      'fec0::1',
      'feff::1',
    ]) {
      expect(isPrivateAddress(address), address).toBe(true)
    }
    // The same forms carrying a public IPv4 address reach only that address.
    for (const address of ['64:ff9b::cb00:7107', '64:ff9b::203.0.113.7', '2002:cb00:7107::1', '::ffff:0:cb00:7107']) {
      expect(isPrivateAddress(address), address).toBe(false)
    }
  })

  it('marks its refusals, so that the tenant is told only "refused: private address"', async () => {
    const resolve = async (host: string) => (host === 'db.internal' ? ['10.0.0.5'] : [])
    const refusals = await Promise.all(
      ['http://db.internal/hook', 'http://nothing.internal/hook', 'http://[64:ff9b::a00:5]/hook'].map((url) =>
        checkDestination(url, { resolve }).then(
          () => undefined,
          (error: unknown) => error,
        ),
      ),
    )
    for (const refusal of refusals) expect(isDestinationRefusal(refusal), String(refusal)).toBe(true)
    expect(isDestinationRefusal(new PipelineError('CONFIGURATION', 'another problem'))).toBe(false)
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
