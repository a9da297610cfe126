/**
 * The operator actions the gateway's "Act" endpoints call: replay dead letters, reconcile now, read the report,
 * pull incoming invoices now.
 *
 * @module
 */
export { replayDeadLetters as replayDeadInvoices } from './dead-letters.ts'
export { requestIncomingPull } from './incoming.ts'
export { latestReconciliation, type ReconciliationReport, requestReconciliation } from './reconciliation.ts'
