import { ConnectorError, defineConnector, SDK_VERSION, type WriteBackResult } from '@ksef-hub/connector-sdk'
import { deadLetterOf, listDeadLetters, QUEUES, replayDeadLetters } from '@ksef-hub/pipeline'
import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { expectConfirmedOnce } from './expectations.ts'
import { type Hub, startHub } from './hub.ts'

/** How the recording connector answers for a source document. */
type Behaviour = 'ok' | { failTimes: number; kind: 'transient' | 'validation' }

interface Call {
  readonly sourceRef: string
  readonly result: WriteBackResult
  readonly at: number
  readonly apiKey: string
}

const calls: Call[] = []
const behaviour = new Map<string, Behaviour>()

const recorder = defineConnector({
  id: 'recorder',
  displayName: 'Recording ERP',
  version: '1.0.0',
  sdkVersion: SDK_VERSION,
  settings: z.object({}),
  // The write-back checks that the secrets set through a connection reach it (the bug of issue 12).
  secrets: z.object({ apiKey: z.literal('recorder-key') }),
  hosts: () => [],
  async writeBack(context, document, result) {
    const { apiKey } = await context.credentials.current()
    calls.push({ sourceRef: document.ref, result, at: Date.now(), apiKey })
    const plan = behaviour.get(document.ref) ?? 'ok'
    const seen = calls.filter((call) => call.sourceRef === document.ref).length
    if (plan !== 'ok' && seen <= plan.failTimes) {
      throw new ConnectorError(plan.kind, `ERP said no to ${document.ref} (${seen})`)
    }
    return { method: 'field' }
  },
})

const callsOf = (sourceRef: string) => calls.filter((call) => call.sourceRef === sourceRef)

describe.each(testBackends())('UPO and write-back to the source connector (%s)', (backend) => {
  let hub: Hub
  const run = Math.random().toString(36).slice(2, 8)
  const ref = (name: string) => `${name}-${backend}-${run}`

  beforeAll(async () => {
    hub = await startHub(backend, {
      connectors: [recorder],
      connections: [{ connector: 'recorder', secrets: { apiKey: 'recorder-key' } }],
    })
    // Two retries with pg-boss's doubling backoff from 1 s: the production queue waits 10 s and doubles.
    await hub.tuneQueue(QUEUES.writeBack, { retryLimit: 2, retryDelay: 1, retryBackoff: true })
  })
  afterAll(() => hub?.close())

  async function submitFrom(sourceRef: string): Promise<string> {
    return hub.submit(undefined, { source: 'recorder', sourceRef })
  }

  /** The invoice's state and the write-back's error as the tenant sees them. */
  async function settlementOf(id: string) {
    return hub.context.db
      .selectFrom('invoices')
      .select(['state', 'writeback_error'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
  }

  async function waitForWriteBack(ids: readonly string[], states: readonly string[], timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const rows = await hub.context.db
        .selectFrom('invoices')
        .select(['id', 'writeback_state'])
        .where('id', 'in', [...ids])
        .execute()
      if (rows.every((row) => states.includes(row.writeback_state))) return
      if (Date.now() > deadline) throw new Error(`write-back: ${rows.map((row) => row.writeback_state).join(', ')}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  it('stores the UPO, emits invoice.confirmed and hands KSeF number, acceptance date and UPO back once', async () => {
    const sourceRef = ref('ok')
    const id = await submitFrom(sourceRef)
    await hub.waitFor([id], ['confirmed'])
    await waitForWriteBack([id], ['done'])
    const [row] = await expectConfirmedOnce(hub, [id])
    const invoice = await hub.context.db
      .selectFrom('invoices')
      .innerJoin('upos', 'upos.invoice_id', 'invoices.id')
      .select([
        'invoices.ksef_number',
        'invoices.acquisition_date',
        'invoices.invoice_hash',
        'invoices.writeback_error',
        'upos.xml',
        'upos.document_hash',
        'upos.ksef_number_assigned_at',
      ])
      .where('invoices.id', '=', id)
      .executeTakeFirstOrThrow()
    expect(invoice.document_hash).toBe(invoice.invoice_hash)
    expect(invoice.ksef_number_assigned_at).toBeInstanceOf(Date)
    expect(invoice.acquisition_date).toBeInstanceOf(Date)
    expect(invoice.writeback_error).toBeNull()

    const [call, ...more] = callsOf(sourceRef)
    expect(more).toEqual([])
    expect(call?.result).toMatchObject({ invoiceId: id, ksefNumber: row?.ksef_number })
    expect(call?.apiKey).toBe('recorder-key')
    expect(call?.result.acquisitionDate.toISOString()).toBe(invoice.acquisition_date?.toISOString())
    expect(Buffer.from(call?.result.upoXml ?? []).equals(invoice.xml)).toBe(true)
    expect(call?.result.verificationUrl).toContain(`/invoice/${hub.nip}/`)

    const events = await hub.context.db
      .selectFrom('events')
      .select(['type', 'data'])
      .where('invoice_id', '=', id)
      .execute()
    expect(events).toEqual([
      { type: 'invoice.confirmed', data: expect.objectContaining({ ksefNumber: row?.ksef_number }) },
    ])

    // A second write-back job for the same invoice (a replay, a duplicate delivery) finds it done.
    const again = await hub.context.boss.send(QUEUES.writeBack, { invoiceId: id, tenantId: hub.tenantId })
    await waitForJob(hub, QUEUES.writeBack, again as string, 'completed')
    expect(callsOf(sourceRef)).toHaveLength(1)
  })

  it.concurrent('retries a transient connector failure with backoff until it goes through', async () => {
    const sourceRef = ref('flaky')
    behaviour.set(sourceRef, { failTimes: 2, kind: 'transient' })
    const id = await submitFrom(sourceRef)
    await hub.waitFor([id], ['confirmed'])
    await waitForWriteBack([id], ['done'])
    const attempts = callsOf(sourceRef)
    expect(attempts).toHaveLength(3)
    // pg-boss waits retryDelay × (1..2) before the first retry and × (2..4) before the second.
    const [first, second, third] = attempts.map((call) => call.at)
    expect((second as number) - (first as number)).toBeGreaterThanOrEqual(900)
    expect((third as number) - (second as number)).toBeGreaterThanOrEqual(1_900)
    const invoice = await settlementOf(id)
    expect(invoice).toEqual({ state: 'confirmed', writeback_error: null })
  })

  it.concurrent('gives up on a transient failure after the last retry, and a replay of its dead letter goes through', async () => {
    const sourceRef = ref('down')
    behaviour.set(sourceRef, { failTimes: 1_000, kind: 'transient' })
    const id = await submitFrom(sourceRef)
    await hub.waitFor([id], ['confirmed'])
    await waitForWriteBack([id], ['failed'])
    const invoice = await settlementOf(id)
    expect(invoice.state).toBe('confirmed')
    expect(invoice.writeback_error).toMatch(/^gave up after 3 attempts: ERP said no/)
    const dead = await waitForDeadJob(hub, id)
    expect(dead.queue).toBe(QUEUES.writeBack)
    // Bounded: the retry limit (2) plus the first attempt, and nothing after the job is dead.
    expect(callsOf(sourceRef)).toHaveLength(3)

    // The ERP is back; an operator replays the dead letter and the write-back goes through.
    behaviour.set(sourceRef, 'ok')
    expect(await replayDeadLetters(hub.context, hub.tenantId, [id])).toEqual({ replayed: [], jobs: 1 })
    await waitForWriteBack([id], ['done'])
    expect(callsOf(sourceRef)).toHaveLength(4)
    const settled = await settlementOf(id)
    expect(settled).toEqual({ state: 'confirmed', writeback_error: null })
    expect((await listDeadLetters(hub.context, hub.tenantId)).jobs).toEqual([])
  })

  it('settles a permanent failure as failed with the reason at once, leaving the invoice confirmed', async () => {
    const sourceRef = ref('refused')
    behaviour.set(sourceRef, { failTimes: 1_000, kind: 'validation' })
    const id = await submitFrom(sourceRef)
    await hub.waitFor([id], ['confirmed'])
    await waitForWriteBack([id], ['failed'])
    const invoice = await settlementOf(id)
    expect(invoice).toEqual({ state: 'confirmed', writeback_error: expect.stringMatching(/^ERP said no to refused/) })
    expect(callsOf(sourceRef)).toHaveLength(1)
    const audit = await hub.context.db
      .selectFrom('audit_log')
      .select('details')
      .where('invoice_id', '=', id)
      .where('kind', '=', 'writeback.failed')
      .execute()
    expect(audit).toEqual([{ details: expect.objectContaining({ connection: 'recorder', kind: 'validation' }) }])
    const { jobs } = await listDeadLetters(hub.context, hub.tenantId)
    expect(jobs.filter((job) => job.invoiceId === id)).toEqual([])
  })

  it('leaves invoices of a source without a connector here settled as none', async () => {
    const id = await hub.submit(undefined, { source: 'elsewhere', sourceRef: ref('elsewhere') })
    await hub.waitFor([id], ['confirmed'])
    const invoice = await hub.context.db
      .selectFrom('invoices')
      .select('writeback_state')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(invoice.writeback_state).toBe('none')
    expect(await hub.context.boss.findJobs(QUEUES.writeBack, { data: { invoiceId: id } })).toEqual([])
    expect(await hub.context.boss.findJobs(deadLetterOf(QUEUES.writeBack), { data: { invoiceId: id } })).toEqual([])
  })
})

async function waitForJob(hub: Hub, queue: string, jobId: string, state: string): Promise<void> {
  const deadline = Date.now() + 20_000
  for (;;) {
    const job = await hub.context.boss.getJobById(queue, jobId)
    if (job?.state === state) return
    if (Date.now() > deadline) throw new Error(`job ${jobId} is ${job?.state}, not ${state}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

async function waitForDeadJob(hub: Hub, invoiceId: string) {
  const deadline = Date.now() + 20_000
  for (;;) {
    const { jobs } = await listDeadLetters(hub.context, hub.tenantId)
    const found = jobs.find((job) => job.invoiceId === invoiceId)
    if (found) return found
    if (Date.now() > deadline) throw new Error(`no dead-lettered job of invoice ${invoiceId}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
