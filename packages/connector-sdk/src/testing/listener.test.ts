import { createServer } from 'node:http'
import { describe, expect, it } from 'vitest'
import { listenerOf, outageOf } from './listener.ts'

describe('listenerOf', () => {
  it('refuses connections while stopped and answers again on the same port', async () => {
    const listener = listenerOf(createServer((_request, response) => response.end('up')))
    const port = await listener.listen(0)
    const url = `http://127.0.0.1:${port}/`
    expect(await (await fetch(url)).text()).toBe('up')
    await listener.stop()
    await expect(fetch(url)).rejects.toThrow()
    await listener.stop()
    expect(await listener.listen(port)).toBe(port)
    expect(await (await fetch(url)).text()).toBe('up')
    await listener.stop()
  })

  it('switches a fake between up, unavailable and refused, back on the same port', async () => {
    const server = createServer((_request, response) => {
      response.statusCode = outage.unavailable ? 503 : 200
      response.end()
    })
    const listener = listenerOf(server)
    const outage = outageOf(server, listener)
    const url = `http://127.0.0.1:${await listener.listen(0)}/`
    expect((await fetch(url)).status).toBe(200)
    await outage.set('unavailable')
    expect((await fetch(url)).status).toBe(503)
    await outage.set(true)
    expect(outage.unavailable).toBe(true)
    await outage.set('refused')
    expect(outage.unavailable).toBe(false)
    await expect(fetch(url)).rejects.toThrow()
    await outage.set(false)
    expect((await fetch(url)).status).toBe(200)
    await listener.stop()
  })
})
