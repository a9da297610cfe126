/**
 * The end states the pipeline promises, checked against both sides: the hub's records (state, KSeF number, UPO)
 * and what the simulator says it received (each invoice once, under the same KSeF number).
 *
 * @module
 */
import { expect } from 'vitest'
import type { Hub } from './hub.ts'

/** An invoice's row with its UPO, as the assertions need it. */
export interface ConfirmedRow {
  readonly id: string
  readonly invoice_number: string
  readonly ksef_number: string | null
  readonly session_kind: string | null
  readonly ksef_session_ref: string | null
}

/**
 * Asserts every invoice is confirmed with a stored UPO naming its KSeF number, and that KSeF received each one
 * exactly once under that number.
 *
 * @returns the rows, for further checks
 * @example
 * ```ts
 * const rows = await expectConfirmedOnce(hub, ids)
 * ```
 */
export async function expectConfirmedOnce(hub: Hub, ids: readonly string[]): Promise<ConfirmedRow[]> {
  const rows = await hub.context.db
    .selectFrom('invoices')
    .leftJoin('upos', 'upos.invoice_id', 'invoices.id')
    .select([
      'invoices.id',
      'invoices.state',
      'invoices.invoice_number',
      'invoices.ksef_number',
      'invoices.session_kind',
      'invoices.ksef_session_ref',
      'upos.ksef_number as upo_ksef_number',
      'upos.xml as upo_xml',
    ])
    .where('invoices.id', 'in', [...ids])
    .execute()
  expect(rows).toHaveLength(ids.length)
  const received = await hub.received()
  for (const row of rows) {
    expect(row, row.invoice_number).toMatchObject({ state: 'confirmed', upo_ksef_number: row.ksef_number })
    expect(row.ksef_number).toBeTruthy()
    expect(new TextDecoder().decode(row.upo_xml ?? new Uint8Array())).toContain(row.ksef_number as string)
    expect(received.get(row.invoice_number), row.invoice_number).toMatchObject({
      timesReceived: 1,
      ksefNumber: row.ksef_number,
    })
  }
  return rows
}

/**
 * Asserts an invoice was never in a state it must not pass through under a transient fault (`rejected`, `dead`),
 * by its audit trail.
 *
 * @example
 * ```ts
 * await expectNeverIn(hub, ids, ['rejected', 'dead'])
 * ```
 */
export async function expectNeverIn(hub: Hub, ids: readonly string[], states: readonly string[]): Promise<void> {
  const entries = await hub.context.db
    .selectFrom('audit_log')
    .select(['invoice_id', 'to_state'])
    .where('invoice_id', 'in', [...ids])
    .where('to_state', 'in', [...states])
    .execute()
  expect(entries).toEqual([])
}

/** The states an invoice went through, in order (from the audit log). */
export async function statesOf(hub: Hub, id: string): Promise<string[]> {
  const entries = await hub.context.db
    .selectFrom('audit_log')
    .select(['to_state'])
    .where('invoice_id', '=', id)
    .where('to_state', 'is not', null)
    .orderBy('id')
    .execute()
  return entries.map((entry) => entry.to_state as string)
}

/**
 * The hub's exchanges with KSeF that got an HTTP status, from the audit log (after writing what is buffered).
 *
 * @example
 * ```ts
 * expect((await exchanges(hub)).filter((call) => call.status === 429)).not.toEqual([])
 * ```
 */
export async function exchanges(hub: Hub): Promise<{ operation: string; status: number; at: Date }[]> {
  await hub.worker.env.pool.flush()
  const entries = await hub.context.db
    .selectFrom('audit_log')
    .select(['details', 'at'])
    .where('kind', '=', 'ksef.exchange')
    .orderBy('id')
    .execute()
  return entries
    .filter((entry) => entry.details.message === 'ksef call' && typeof entry.details.status === 'number')
    .map((entry) => ({
      operation: String(entry.details.operation),
      status: entry.details.status as number,
      at: new Date(entry.at),
    }))
}
