/**
 * `writeBack.once`: KSeF's answer written back twice (a job retried after a lost answer, or by a second worker)
 * leaves one effect in the fake's state, and the second write reports `already`.
 *
 * @module
 */
import type { AnyConnector } from '../../contract/definition.ts'
import type { WriteBackOutcome } from '../../contract/documents.ts'
import { type SentAs, writeBackResultFor } from '../fixtures.ts'
import { fail } from '../results.ts'
import type { CheckDefinition, Rig } from '../session.ts'
import { pullAll } from './pulling.ts'

const METHODS = new Set(['field', 'note', 'attachment', 'already'])

/** What the document became, as the hub would hand it back: mapped when the connector maps, else a stand-in. */
async function sentAs(connector: AnyConnector, rig: Rig, ref: string): Promise<SentAs> {
  const standIn = { number: `FV/CONFORMANCE/${ref}`, type: 'VAT', issueDate: '2026-01-02' }
  if (!connector.pull || !connector.map) return standIn
  const document = (await pullAll(connector, rig)).documents.get(ref)
  if (!document) fail(`pulling every page did not find ${ref}`)
  const mapped = await connector.map(rig.context(), document)
  if (!('invoice' in mapped)) return standIn
  const details = (mapped.invoice as { details?: Partial<SentAs> }).details
  return { ...standIn, ...details }
}

function checkOutcome(outcome: WriteBackOutcome, which: string): void {
  if (!METHODS.has(outcome?.method)) {
    fail(
      `the ${which} write-back returned method ${JSON.stringify(outcome?.method)}, not field|note|attachment|already`,
    )
  }
}

/** The `writeBack.once` check. */
export const writeBackOnce: CheckDefinition = {
  name: 'writeBack.once',
  notApplicable: (connector) => (connector.writeBack ? undefined : 'the connector declares no writeBack'),
  async run(run) {
    const { connector } = run
    const rig = await run.rig()
    const ref = rig.fake.mappable[0]
    if (!ref) fail('the fake lists no mappable document to write back into')
    if (!connector.writeBack) fail('the connector declares no writeBack')
    const result = writeBackResultFor(rig.fake.tenant, ref, await sentAs(connector, rig, ref))
    const first = await connector.writeBack(rig.context(), { ref }, result)
    checkOutcome(first, 'first')
    if (first.method === 'already') fail(`the first write-back into ${ref} reported "already": nothing was there`)
    const afterFirst = await rig.fake.writeBackEffects(ref, result.ksefNumber)
    if (afterFirst !== 1) fail(`one write-back left ${afterFirst} effects of ${result.ksefNumber} in ${ref}`)
    // A new context: the retry is another job, perhaps on another worker, with nothing remembered in memory.
    const second = await connector.writeBack(rig.context(), { ref }, result)
    checkOutcome(second, 'second')
    const afterSecond = await rig.fake.writeBackEffects(ref, result.ksefNumber)
    if (afterSecond !== 1) fail(`writing back twice left ${afterSecond} effects of the KSeF number in ${ref}`)
    if (second.method !== 'already') fail(`the second write-back reported "${second.method}", not "already"`)
    return `written back into ${ref} by ${first.method}; the second time: already, still one effect`
  },
}
