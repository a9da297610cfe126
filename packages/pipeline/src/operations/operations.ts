/**
 * The operator actions the gateway's "Act" endpoints call: replay dead letters, reconcile now, read the report.
 *
 * @module
 */
export { replayDeadLetters as replayDeadInvoices } from './dead-letters.ts'
export { latestReconciliation, type ReconciliationReport, requestReconciliation } from './reconciliation.ts'
