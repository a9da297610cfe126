import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { failure } from '../test-support.ts'
import { createHttpClient } from './client.ts'
import { type LocalServer, localServer } from './local-server.ts'
import { paginate } from './paginate.ts'

describe('paginate', () => {
  let server: LocalServer
  beforeAll(async () => {
    // Pages 1..3 by a `next` token; `loop` points back at itself; `endless` always has a next page.
    server = await localServer((request, response) => {
      const url = new URL(request.url, 'http://x')
      const page = Number(url.searchParams.get('page') ?? 1)
      const mode = url.pathname.slice(1)
      const next = mode === 'loop' ? 1 : mode === 'endless' ? page + 1 : page < 3 ? page + 1 : null
      response.setHeader('content-type', 'application/json')
      response.end(JSON.stringify({ items: [`${mode}-${page}`], next }))
    })
  })
  afterAll(() => server.close())

  const http = () => createHttpClient({ hosts: [server.origin] })
  const nextOf = (path: string) => (response: { json<T>(): T }) => {
    const { next } = response.json<{ next: number | null }>()
    return next === null ? undefined : { url: `${server.origin}/${path}`, query: { page: next } }
  }

  it('walks every page until the listing says there is no next one', async () => {
    const items: string[] = []
    for await (const page of paginate(http(), { url: `${server.origin}/list` }, { next: nextOf('list') })) {
      items.push(...page.json<{ items: string[] }>().items)
    }
    expect(items).toEqual(['list-1', 'list-2', 'list-3'])
  })

  it('stops a listing that points back at a page it gave, and one that goes on past the bound', async () => {
    const walk = async (path: string, maxPages?: number) => {
      for await (const _ of paginate(
        http(),
        { url: `${server.origin}/${path}` },
        {
          next: nextOf(path),
          ...(maxPages ? { maxPages } : {}),
        },
      )) {
        // each page is read and dropped
      }
    }
    expect(await failure(walk('loop'))).toMatchObject({
      kind: 'transient',
      message: expect.stringMatching(/points back/),
    })
    expect(await failure(walk('endless', 5))).toMatchObject({
      kind: 'transient',
      message: expect.stringMatching(/past 5 pages/),
    })
  })
})
