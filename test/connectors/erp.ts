/**
 * What both end-to-end runs of the custom connector share: a fake REST source seeded with invoices, credit notes
 * and one document whose customer has no NIP; how long the source's outage lasts; and the checks at the end, made
 * against the simulator (what KSeF received) and the fake (what was written back), whatever the hub runs on.
 *
 * @module
 */
import { connectorSettings, type FakeErp, startFakeErp } from '@ksef-hub/connector-custom/fake'
import { expect } from 'vitest'

/** How long the source is down in the middle of the run (default 5 minutes, as the issue asks; shorter locally). */
export const OUTAGE_MS = Number(process.env.E2E_OUTAGE_SECONDS ?? 300) * 1000
export const INVOICES = Number(process.env.E2E_CUSTOM_INVOICES ?? 500)
export const CREDIT_NOTES = Number(process.env.E2E_CUSTOM_CREDIT_NOTES ?? 20)

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A seeded fake source and what the hub should make of it. */
export interface SeededErp {
  readonly erp: FakeErp
  /** Documents that must each become one confirmed invoice written back once. */
  readonly sendable: string[]
  /** The document whose customer has no NIP: a clear reason, nothing sent. */
  readonly withoutNip: string
}

/**
 * Starts the fake source with the documents.
 *
 * @example
 * ```ts
 * const { erp, sendable, withoutNip } = await seededErp()
 * ```
 */
export async function seededErp(): Promise<SeededErp> {
  const erp = await startFakeErp({ port: 0 })
  const seeded = erp.seed({ invoices: INVOICES, creditNotes: CREDIT_NOTES, withoutNip: 1 })
  return {
    erp,
    sendable: [...seeded.invoices, ...seeded.creditNotes],
    withoutNip: seeded.withoutNip[0] as string,
  }
}

/**
 * The connection's settings for the fake: small pages (so a pull spans many requests and can be interrupted), a
 * pull every minute, and the fake's own tax table and seller.
 *
 * @example
 * ```ts
 * await saveConnection(db, keys, registry, tenantId, { connector: 'custom', settings: erpSettings(erp.url), secrets })
 * ```
 */
export function erpSettings(url: string): Record<string, unknown> {
  const defaults = connectorSettings(url)
  return { ...defaults, pull: { ...((defaults.pull as object) ?? {}), pageSize: 20, everyMinutes: 1 } }
}

/** Waits until `done` says so, or fails with what `describe` says after `timeoutMs`. */
export async function waitUntil(
  done: () => Promise<boolean>,
  timeoutMs: number,
  describe: () => Promise<string>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await done()) return
    if (Date.now() > deadline) throw new Error(`timed out: ${await describe()}`)
    await sleep(1_000)
  }
}

/** What the simulator received, by invoice number. */
export async function receivedBy(adminUrl: string): Promise<Map<string, number>> {
  const body = (await (await fetch(`${adminUrl}/received`)).json()) as {
    invoices: { invoiceNumber: string; timesReceived: number }[]
  }
  return new Map(body.invoices.map((invoice) => [invoice.invoiceNumber, invoice.timesReceived]))
}

/**
 * The promise, checked: every sendable document reached KSeF exactly once, under its own number, and its KSeF
 * number was written into it exactly once; the document without a NIP reached nothing.
 *
 * @param ksefNumberOf the KSeF number the hub holds for a document (by its id in the source)
 */
export async function expectSentAndWrittenBackOnce(
  seeded: SeededErp,
  adminUrl: string,
  ksefNumberOf: (ref: string) => string | null | undefined,
): Promise<void> {
  const received = await receivedBy(adminUrl)
  const numberOf = (ref: string) => seeded.erp.document(ref)?.number as string
  const notOnce = seeded.sendable.filter((ref) => received.get(numberOf(ref)) !== 1)
  expect(notOnce.map((ref) => `${numberOf(ref)}: ${received.get(numberOf(ref)) ?? 0}`)).toEqual([])
  expect(received.has(numberOf(seeded.withoutNip))).toBe(false)
  const writes = seeded.sendable
    .map((ref) => ({ ref, ksefNumber: ksefNumberOf(ref) }))
    .filter(({ ref, ksefNumber }) => !ksefNumber || seeded.erp.writeBackEffects(ref, ksefNumber) !== 1)
  expect(writes).toEqual([])
}
