import { createServer } from 'node:http'
import { describe, expect, it } from 'vitest'
import { listenerOf } from './listener.ts'

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
})
