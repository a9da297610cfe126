/**
 * The custom connector's conformance harness: the kit (`ksef-hub connector check plugins/custom`) starts the fake
 * source seeded with three pages of mappable documents (invoices in PLN and EUR at every rate, exempt ones with
 * the basis from the tax table or the document, a credit note of one of them, and a credit note of an invoice
 * issued before the tenant's KSeF start, which the pull meets and the default skip leaves out), a document whose
 * customer has no NIP and one with a tax code the connection's table leaves out.
 *
 * @module
 */
import type { ConformanceHarness } from '@ksef-hub/connector-sdk/testing'
import { randomNip } from '@ksef-hub/fa3/testing'
import { expectedOf } from './fake/expected.ts'
import { connectorSettings, FAKE_SELLER, startFakeErp } from './fake/index.ts'
import custom from './src/index.ts'

const harness: ConformanceHarness = {
  connector: custom,
  async start() {
    const erp = await startFakeErp()
    const seeded = erp.seed({ invoices: 12, creditNotes: 1, withoutNip: 1, unmappedTax: 1, outsideKsefCorrections: 1 })
    const mappable = [...seeded.invoices, ...seeded.creditNotes, ...seeded.outsideKsefCorrections]
    const expected = Object.fromEntries(
      mappable.flatMap((ref) => {
        const document = erp.document(ref)
        const invoice = document && expectedOf(document)
        return invoice ? [[ref, invoice]] : []
      }),
    )
    return {
      settings: connectorSettings(erp.url, { pull: { pageSize: 5 } }),
      secrets: { apiKey: erp.apiKey, webhookSecret: erp.webhookSecret },
      tenant: { id: 'conformance-tenant', nip: randomNip(), name: FAKE_SELLER.name },
      mappable,
      expected,
      unmappable: [
        { ref: seeded.withoutNip[0] as string, code: 'BUYER_NIP_MISSING' },
        { ref: seeded.unmappedTax[0] as string, code: 'TAX_CODE_UNMAPPED' },
      ],
      writeBackEffects: async (ref, ksefNumber) => erp.writeBackEffects(ref, ksefNumber),
      webhook: async (refs) => erp.webhookRequest('http://127.0.0.1/v1/connections/conformance/webhooks', refs),
      failNext: (failure, count) => erp.failNext(failure, count),
      close: () => erp.close(),
    }
  },
}

export default harness
