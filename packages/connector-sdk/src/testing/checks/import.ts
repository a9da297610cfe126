/**
 * `importIncoming.once`: a purchase invoice from KSeF (built with fa3's `typicalInvoice`, the fake's tenant as the
 * buyer, its FA(3) XML with `buildInvoiceBytes`) imported twice, as a retried job would, gives one bill: the second
 * import reports the same bill, not created.
 *
 * @module
 */
import { defaultSupplierNip, incomingInvoiceFor } from '../fixtures.ts'
import { fail } from '../results.ts'
import type { CheckDefinition } from '../session.ts'

/** The `importIncoming.once` check. */
export const importIncomingOnce: CheckDefinition = {
  name: 'importIncoming.once',
  notApplicable: (connector) => (connector.importIncoming ? undefined : 'the connector declares no importIncoming'),
  async run(run) {
    const { connector } = run
    if (!connector.importIncoming) fail('the connector declares no importIncoming')
    const rig = await run.rig()
    const { fake } = rig
    if (!fake.importEffects) fail('the fake cannot count bills: implement importEffects(ksefNumber) in it')
    const supplier = fake.supplierNip ?? defaultSupplierNip(fake.tenant)
    const incoming = incomingInvoiceFor(fake.tenant, supplier, 'FZ/2026/CONFORMANCE/1')
    const first = await connector.importIncoming(rig.context(), incoming)
    if (!first?.ref || first.created !== true) {
      fail(`the first import returned ${JSON.stringify(first)}, not a created bill`)
    }
    if ((await fake.importEffects(incoming.ksefNumber)) !== 1) {
      fail(`one import left ${await fake.importEffects(incoming.ksefNumber)} bills for the KSeF number, expected 1`)
    }
    const second = await connector.importIncoming(rig.context(), incoming)
    const bills = await fake.importEffects(incoming.ksefNumber)
    if (bills !== 1) fail(`importing twice left ${bills} bills for the KSeF number, expected 1`)
    if (second.created !== false || second.ref !== first.ref) {
      fail(`the second import returned ${JSON.stringify(second)}, not { ref: "${first.ref}", created: false }`)
    }
    return `bill ${first.ref} from supplier ${supplier}; the second import found it`
  },
}
