import { writeBackResultFor } from '@ksef-hub/connector-sdk/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { refOf } from './refs.ts'
import { COMPANY, type StubBc, settingsFor, startStubBc, TENANT, testContext } from './test-context.ts'
import { nextId } from './test-fixtures.ts'
import { noteText, upoFileName, writeBack } from './write-back.ts'

interface Attachment {
  id: string
  fileName: string
  parentType: string
  parentId: string
  byteSize: number
  content?: string
}

/** BC's documentAttachments: created empty, content PATCHed with If-Match; posted invoices read-only otherwise. */
function attachmentsBc(store: Attachment[], options: { loseNextPostAnswer?: boolean } = {}) {
  return (
    path: string,
    request: { method: string; url: URL; headers: Readonly<Record<string, string>>; body: Buffer; json<T>(): T },
  ) => {
    const list = `/companies(${COMPANY})/documentAttachments`
    if (path === list && request.method === 'GET') {
      const parent = /parentId eq ([0-9a-f-]+)/.exec(request.url.searchParams.get('$filter') ?? '')?.[1]
      return {
        json: { value: store.filter((item) => item.parentId === parent).map(({ content: _, ...item }) => item) },
      }
    }
    if (path === list && request.method === 'POST') {
      const body = request.json<{ fileName: string; parentType: string; parentId: string }>()
      const item = { id: nextId(), ...body, byteSize: 0 }
      store.push(item)
      if (options.loseNextPostAnswer) {
        options.loseNextPostAnswer = false
        return { status: 504, json: { error: { code: 'Internal_GatewayTimeout', message: 'lost' } } }
      }
      return { status: 201, json: item }
    }
    const content = /^\/companies\([^)]+\)\/documentAttachments\(([^)]+)\)\/attachmentContent$/.exec(path)
    if (content && request.method === 'PATCH') {
      if (request.headers['if-match'] !== '*')
        return { status: 428, json: { error: { code: 'BadRequest', message: 'If-Match' } } }
      const item = store.find((candidate) => candidate.id === content[1])
      if (!item) return undefined
      item.content = request.body.toString('utf8')
      item.byteSize = request.body.length
      return { status: 204 }
    }
    return undefined
  }
}

let bc: StubBc | undefined
afterEach(async () => {
  await bc?.server.close()
  bc = undefined
})

const invoiceId = nextId()
const ref = refOf(COMPANY, 'salesInvoices', invoiceId)
const result = writeBackResultFor(TENANT, ref, { number: '103001', type: 'VAT', issueDate: '2026-11-16' })

describe('the write-back', () => {
  it('attaches the UPO and a note to the posted invoice, and a second time finds them: already', async () => {
    const store: Attachment[] = []
    bc = await startStubBc(attachmentsBc(store))
    const { context } = testContext({ settings: settingsFor(bc.server.url) })
    expect(await writeBack(context, { ref }, result)).toEqual({ method: 'attachment' })
    expect(store.map(({ fileName, parentType, parentId }) => ({ fileName, parentType, parentId }))).toEqual([
      { fileName: upoFileName(result.ksefNumber), parentType: 'Sales Invoice', parentId: invoiceId },
      { fileName: `KSeF-${result.ksefNumber}.txt`, parentType: 'Sales Invoice', parentId: invoiceId },
    ])
    expect(store[0]?.content).toBe(new TextDecoder().decode(result.upoXml))
    expect(store[1]?.content).toBe(noteText(result))
    expect(noteText(result)).toContain(result.verificationUrl)
    expect(await writeBack(testContext({ settings: settingsFor(bc.server.url) }).context, { ref }, result)).toEqual({
      method: 'already',
    })
    expect(store).toHaveLength(2)
  })

  it('after a lost answer to the attachment POST, completes that attachment instead of making a twin', async () => {
    const store: Attachment[] = []
    bc = await startStubBc(attachmentsBc(store, { loseNextPostAnswer: true }))
    const settings = settingsFor(bc.server.url, { writeBack: { textAttachment: false } })
    await expect(writeBack(testContext({ settings }).context, { ref }, result)).rejects.toMatchObject({
      kind: 'transient',
    })
    expect(store).toHaveLength(1)
    expect(store[0]?.byteSize).toBe(0)
    expect(await writeBack(testContext({ settings }).context, { ref }, result)).toEqual({ method: 'attachment' })
    expect(store).toHaveLength(1)
    expect(store[0]?.content).toBe(new TextDecoder().decode(result.upoXml))
  })

  it('writes the KSeF number into an extension field with the record ETag, once', async () => {
    const store: Attachment[] = []
    const record: Record<string, unknown> = {
      id: invoiceId,
      number: '103001',
      '@odata.etag': 'W/"JzE7Jw=="',
      ksefNumber: '',
    }
    const patches: Record<string, string>[] = []
    const attachments = attachmentsBc(store)
    const custom = `/v2.0/contoso.onmicrosoft.com/production/api/contoso/ksef/v1.0/companies(${COMPANY})/postedSalesInvoices(${invoiceId})`
    bc = await startStubBc(async (path, request) => {
      if (request.url.pathname === custom) {
        if (request.method === 'PATCH') {
          patches.push({ ifMatch: request.headers['if-match'] ?? '', ...request.json<Record<string, string>>() })
          Object.assign(record, request.json<object>(), { '@odata.etag': 'W/"JzI7Jw=="' })
        }
        return { json: record }
      }
      return attachments(path, request)
    })
    const settings = settingsFor(bc.server.url, { writeBack: { extensionField: { apiPath: 'contoso/ksef/v1.0' } } })
    await writeBack(testContext({ settings }).context, { ref }, result)
    expect(patches).toEqual([{ ifMatch: 'W/"JzE7Jw=="', ksefNumber: result.ksefNumber }])
    expect(await writeBack(testContext({ settings }).context, { ref }, result)).toEqual({ method: 'already' })
    expect(patches).toHaveLength(1)
  })

  it('refuses a ref that is not a sales document of this connector', async () => {
    const { context } = testContext({ settings: settingsFor('http://127.0.0.1:9') })
    await expect(writeBack(context, { ref: 'inv-1' }, result)).rejects.toMatchObject({ kind: 'validation' })
  })
})
