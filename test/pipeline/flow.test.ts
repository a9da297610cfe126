import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Hub, startHub } from './hub.ts'

describe.each(testBackends())('an invoice through the pipeline to KSeF and back (%s)', (backend) => {
  let hub: Hub
  beforeAll(async () => {
    hub = await startHub(backend)
  })
  afterAll(() => hub?.close())

  it('sends a trickle online and confirms each invoice with its UPO', async () => {
    const ids = [await hub.submit(), await hub.submit(), await hub.submit()]
    await hub.waitFor(ids, ['confirmed'])
    const rows = await hub.context.db
      .selectFrom('invoices')
      .innerJoin('upos', 'upos.invoice_id', 'invoices.id')
      .select([
        'invoices.invoice_number',
        'invoices.ksef_number',
        'invoices.session_kind',
        'upos.ksef_number as upo_ksef_number',
        'upos.xml',
      ])
      .where('invoices.id', 'in', ids)
      .execute()
    expect(rows).toHaveLength(3)
    const received = await hub.received()
    for (const row of rows) {
      expect(row.session_kind).toBe('online')
      expect(row.upo_ksef_number).toBe(row.ksef_number)
      expect(new TextDecoder().decode(row.xml)).toContain(row.ksef_number as string)
      expect(received.get(row.invoice_number)).toMatchObject({ timesReceived: 1, ksefNumber: row.ksef_number })
    }
  })
})
