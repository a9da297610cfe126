/**
 * A call the kit can provoke failures with: the connector's cheapest operation that reaches its system. The error
 * and auth checks inject a failure in the fake, run this, and look at what the connector threw.
 *
 * @module
 */
import type { ConnectorContext } from '../../contract/context.ts'
import type { AnyConnector } from '../../contract/definition.ts'
import { defaultSupplierNip, incomingInvoiceFor, writeBackResultFor } from '../fixtures.ts'
import type { Rig } from '../session.ts'

/**
 * The operation the kit probes with, in order of preference, or `undefined` when there is none.
 *
 * @example
 * ```ts
 * probeName(connector) // 'healthCheck' when the connector has one
 * ```
 */
export function probeName(connector: AnyConnector): string | undefined {
  if (connector.healthCheck) return 'healthCheck'
  if (connector.pull) return 'pull.page'
  if (connector.writeBack) return 'writeBack'
  if (connector.importIncoming) return 'importIncoming'
  return undefined
}

/**
 * Why the probing checks cannot run, or `undefined`.
 *
 * @example
 * ```ts
 * const errors5xx = { name: 'errors.5xx', notApplicable: noProbe, run }
 * ```
 */
export function noProbe(connector: AnyConnector): string | undefined {
  return probeName(connector)
    ? undefined
    : 'the connector declares no operation that calls its system (healthCheck, pull, writeBack, importIncoming)'
}

/**
 * Runs the probe once in `context` (a new one per call, as each hub job has its own).
 *
 * @example
 * ```ts
 * rig.fake.failNext({ status: 503 }, 5)
 * await probe(connector, rig, rig.context()) // throws ConnectorError('transient')
 * ```
 */
export async function probe(
  connector: AnyConnector,
  rig: Rig,
  context: ConnectorContext<unknown, unknown> = rig.context(),
): Promise<void> {
  if (connector.healthCheck) return connector.healthCheck(context)
  if (connector.pull) {
    await connector.pull.page(context, undefined)
    return
  }
  const ref = rig.fake.mappable[0] ?? 'conformance-probe'
  if (connector.writeBack) {
    const sent = { number: `FV/PROBE/${ref}`, type: 'VAT', issueDate: '2026-01-02' }
    await connector.writeBack(context, { ref }, writeBackResultFor(rig.fake.tenant, ref, sent))
    return
  }
  if (connector.importIncoming) {
    const supplier = rig.fake.supplierNip ?? defaultSupplierNip(rig.fake.tenant)
    await connector.importIncoming(context, incomingInvoiceFor(rig.fake.tenant, supplier, 'FZ/PROBE/1'))
  }
}
