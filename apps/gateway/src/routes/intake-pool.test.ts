import { buildInvoiceXml } from '@ksef-hub/fa3'
import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { heldIntakePool, testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addTenant, call, openTestGateway, type TestGateway } from '../test-support.ts'

describe.each(testBackends())("one tenant's document being checked stalls no one else (%s)", (backend) => {
  const held = heldIntakePool()
  let t: TestGateway
  let acme: Awaited<ReturnType<typeof addTenant>>
  let other: Awaited<ReturnType<typeof addTenant>>
  beforeAll(async () => {
    t = await openTestGateway(backend, { intakePool: held.pool })
    acme = await addTenant(t.context, 'acme', '5265877635')
    other = await addTenant(t.context, 'other', '9999999999')
  })
  afterAll(async () => {
    await t.close()
    await held.pool.close()
  })

  it("answers another tenant while one tenant's XML is held on the pool's thread, then answers that one too", async () => {
    const xml = buildInvoiceXml(typicalInvoice({ sellerNip: '5265877635', number: 'FV/HELD/1', lines: 1 }))
    let answered = false
    const pending = call(t.url, 'POST', '/v1/invoices', {
      apiKey: acme.apiKey,
      body: xml,
      headers: { 'content-type': 'application/xml' },
    }).then((answer) => {
      answered = true
      return answer
    })
    // Wait (without timing anything) until the document is on the thread, held there.
    while (held.pool.load().running === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    const list = await call(t.url, 'GET', '/v1/invoices', { apiKey: other.apiKey })
    expect(list.status).toBe(200)
    const json = typicalInvoice({ sellerNip: '9999999999', number: 'FV/FREE/1', lines: 1 })
    expect((await call(t.url, 'POST', '/v1/invoices', { apiKey: other.apiKey, json })).status).toBe(201)
    expect(answered).toBe(false)
    held.release()
    const answer = await pending
    expect(answer.status, answer.text).toBe(201)
    expect(answer.json).toMatchObject({ state: 'queued', created: true })
  })
})
