import { sample } from '@ksef-hub/fa3/testing'
import { afterAll, describe, expect, it } from 'vitest'
import { isPipelineError } from '../errors.ts'
import { heldIntakePool } from '../testing/held-intake.ts'
import { createIntakePool } from './pool.ts'

const TEXT = sample('01-VAT').xml
// A fresh array each time: the pool moves the bytes to its thread.
const xml = () => new TextEncoder().encode(TEXT)
const NOW = new Date('2026-12-01T12:00:00Z')

describe('the intake pool', () => {
  const pool = createIntakePool({ threads: 1 })
  afterAll(() => pool.close())

  it('checks a document on a worker thread, and brings a refusal back whole (code, findings)', async () => {
    const bytes = xml()
    const prepared = await pool.prepare('acme', { invoice: bytes, format: 'xml', validation: 'structural' }, NOW)
    expect(prepared.invoice.details.number).toEqual(expect.any(String))
    expect(Buffer.from(prepared.xml as Uint8Array).equals(Buffer.from(xml()))).toBe(true)
    // Moved to the thread, not copied.
    expect(bytes.byteLength).toBe(0)
    const crowded = TEXT.replace(
      '<Naglowek>',
      `<Naglowek ${Array.from({ length: 30 }, (_, i) => `a${i}="1"`).join(' ')}>`,
    )
    const refusal = await pool.prepare('acme', { invoice: new TextEncoder().encode(crowded), format: 'xml' }, NOW).then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(isPipelineError(refusal, 'INVOICE_INVALID')).toBe(true)
    expect((refusal as { details: { issues: { code: string }[] } }).details.issues[0]?.code).toBe(
      'XML_TOO_MANY_ATTRIBUTES',
    )
  })

  it('shares its threads by time used: a tenant with many documents waiting delays another by the one running', async () => {
    const { pool: held, release } = heldIntakePool()
    try {
      const done: string[] = []
      const submit = (tenant: string, label: string) =>
        held
          .prepare(tenant, { invoice: xml(), format: 'xml', validation: 'structural' }, NOW)
          .then(() => done.push(label))
      const pending = [...['a1', 'a2', 'a3', 'a4'].map((label) => submit('a', label)), submit('b', 'b1')]
      expect(held.load()).toEqual({ running: 1, waiting: 4 })
      release(5)
      await Promise.all(pending)
      expect(done).toEqual(['a1', 'b1', 'a2', 'a3', 'a4'])
    } finally {
      await held.close()
    }
  })

  it('keeps a thread for the others: one tenant never holds every thread', async () => {
    const { pool: held, release } = heldIntakePool({ threads: 2 })
    try {
      const input = () => ({ invoice: xml(), format: 'xml', validation: 'structural' }) as const
      const theirs = ['a1', 'a2', 'a3'].map(() => held.prepare('a', input(), NOW))
      expect(held.load()).toEqual({ running: 1, waiting: 2 })
      const mine = held.prepare('b', input(), NOW)
      expect(held.load()).toEqual({ running: 2, waiting: 2 })
      release(4)
      await Promise.all([...theirs, mine])
    } finally {
      await held.close()
    }
  })

  it('refuses a tenant with too many documents waiting, with INTAKE_BUSY, while others still get in', async () => {
    const { pool: held, release } = heldIntakePool()
    const small = createIntakePool({ threads: 0 })
    try {
      const input = () => ({ invoice: xml(), format: 'xml', validation: 'structural' }) as const
      const waiting = Array.from({ length: 17 }, () => held.prepare('a', input(), NOW))
      await expect(held.prepare('a', input(), NOW)).rejects.toMatchObject({ code: 'INTAKE_BUSY' })
      const other = held.prepare('b', input(), NOW)
      release(19)
      await Promise.all([...waiting, other])
      // With no threads the check runs on the caller's thread, the same way.
      expect((await small.prepare('a', input(), NOW)).invoice.seller.nip).toEqual(expect.any(String))
    } finally {
      await held.close()
    }
  })
})
