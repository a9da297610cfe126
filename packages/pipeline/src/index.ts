/**
 * `@ksef-hub/pipeline`: the durable invoice pipeline. Storage (PostgreSQL or embedded PGlite, migrated at
 * start), pg-boss queues, the invoice state machine, intake with idempotency, tenants and their encrypted
 * secrets, the audit log, and the workers' KSeF plumbing (shared rate limits, circuit breaker).
 *
 * @module
 */

export { type AnyConnector, CAPABILITIES, type Capability } from '@ksef-hub/connector-sdk'
// --- gateway side: API keys, HTTP idempotency, bulk intake, webhooks, tenant files, incoming reads, config ---
export {
  type ApiKeyOwner,
  hashApiKey,
  type IssuedApiKey,
  issueApiKey,
  listApiKeys,
  rotateApiKey,
  verifyApiKey,
} from './api-keys/api-keys.ts'
export { type AuditInput, appendAudit } from './audit/audit.ts'
export { REDACTED, redact, redactText } from './audit/redact.ts'
export {
  BULK_FAN_OUT_FROM,
  BULK_MAX_ITEMS,
  type BulkItem,
  type BulkItemResult,
  type BulkRequest,
  submitInvoicesBulk,
} from './bulk/bulk-intake.ts'
export {
  type BatchedSubmission,
  type BatcherOptions,
  createSubmissionBatcher,
  type SubmissionBatcher,
} from './bulk/group-commit.ts'
export { configSchema, databaseConfigOf, type HubConfig, loadConfig } from './config/config.ts'
export { type MasterKeySource, resolveMasterKey } from './config/master-key-file.ts'
export { type OpenPipeline, openPipeline } from './config/open-pipeline.ts'
export { DEFAULT_REQUEST_BUDGET, requestBudgetOf } from './config/request-budget.ts'
export { EMBEDDED_RATE_LIMIT_MARGIN_MS, workerOptionsOf } from './config/worker-options.ts'
export {
  type ConnectionInput,
  type ConnectionRecord,
  connectionSecretName,
  connectionSecrets,
  getConnection,
  listConnections,
  saveConnection,
} from './connections/connections.ts'
export { markNeedsReauth } from './connections/health.ts'
export { type PullJob, requestPull } from './connections/pull.ts'
export { type ConnectorRegistry, connectorOf, connectorRegistry } from './connections/registry.ts'
export { MAX_RETRY_REFS, retryDocuments } from './connections/retry.ts'
export { scheduleConnections } from './connections/schedule.ts'
export {
  type ConnectionStatus,
  connectionStatus,
  listSourceDocuments,
  type SourceDocumentView,
} from './connections/status.ts'
export { receiveConnectionWebhook, type WebhookReply } from './connections/webhooks-in.ts'
export type { PipelineContext } from './context.ts'
export type { SourceDocumentState } from './db/connections-schema.ts'
export { type DatabaseConfig, type HubDatabase, openDatabase } from './db/database.ts'
export { migrate } from './db/migrate.ts'
export type { Database } from './db/schema.ts'
export { isDatabaseUnavailable } from './db/unavailable.ts'
export { isPipelineError, PipelineError, type PipelineErrorCode } from './errors.ts'
export { EVENT_TYPES, type EventInput, type EventType, emitEvents } from './events/events.ts'
export {
  type ClaimOutcome,
  type ClaimRequest,
  claimIdempotencyKey,
  completeIdempotencyKey,
  IDEMPOTENCY_LOCK_SECONDS,
  IDEMPOTENCY_TTL_SECONDS,
  purgeExpiredIdempotencyKeys,
  releaseIdempotencyKey,
  requestFingerprint,
  type StoredResponse,
} from './idempotency/idempotency.ts'
export {
  type IncomingInvoiceView,
  type IncomingListQuery,
  incomingInvoiceModel,
  incomingInvoiceXml,
  listIncomingInvoices,
} from './incoming/queries.ts'
export {
  createIntakePool,
  DEFAULT_INTAKE_THREADS,
  type IntakePool,
  type IntakePoolOptions,
} from './intake-pool/pool.ts'
export { type InvoiceCounts, invoiceCounts } from './invoices/counts.ts'
export { type SubmitOutcome, type SubmitRequest, submitInvoice } from './invoices/intake.ts'
export { contentHash, idempotencyKey } from './invoices/keys.ts'
export { type PreparedSubmission, type PrepareInput, prepareSubmission } from './invoices/prepare.ts'
export {
  getInvoice,
  type HistoryEntry,
  type InvoiceListQuery,
  type InvoiceView,
  invoiceHistory,
  invoiceUpo,
  invoiceXml,
  listInvoices,
} from './invoices/queries.ts'
export { hubValidationReason, ksefReason, type Reason } from './invoices/reasons.ts'
export { SOURCE_REF_MAX_LENGTH, sourceRefProblem } from './invoices/source-ref.ts'
export {
  ACCOUNTANT_LABELS,
  type AccountantStatus,
  accountantStatus,
  canTransition,
  INVOICE_STATES,
  type InvoiceState,
  TRANSITIONS,
} from './invoices/states.ts'
export { CircuitBreaker } from './ksef/breaker.ts'
export { assertEnvironmentBinding, KsefClientPool } from './ksef/clients.ts'
export { DatabaseRateLimitStore, windowWait } from './ksef/rate-limit-store.ts'
export { createLogger, type Logger, REDACTED_PATHS, silentLogger } from './logging/logger.ts'
export { type DeadJob, type DeadLetters, listDeadLetters, replayDeadLetters } from './operations/dead-letters.ts'
export {
  OFFLINE_CERTIFICATE_SECRET,
  type OfflineCertificateInput,
  offlineCertificate,
  setOfflineCertificate,
} from './operations/offline-certificate.ts'
export {
  latestReconciliation,
  type ReconciliationReport,
  replayDeadInvoices,
  requestIncomingPull,
  requestReconciliation,
} from './operations/operations.ts'
export { invoiceQrCodes, type QrCodes } from './operations/qr-codes.ts'
export { type CheckState, type Readiness, readiness } from './operations/readiness.ts'
export { inTransaction, startBoss } from './queue/boss.ts'
export { deadLetterOf, QUEUES, type QueueName } from './queue/queues.ts'
export { generateMasterKey, type MasterKeyRing, masterKeyRing, masterKeyRingFromEnv } from './secrets/master-key.ts'
export { getSecret, putSecret, rotateSecrets, secretNames } from './secrets/store.ts'
export {
  type KsefCredentialsInput,
  ksefCredentialsKind,
  setKsefCredentials,
} from './tenant-files/credentials.ts'
export { assertBaseUrlAllowed } from './tenant-files/environment-binding.ts'
export { tenantFileJsonSchema } from './tenant-files/json-schema.ts'
export { loadTenantFiles, parseTenantFile } from './tenant-files/load.ts'
export { type ReconcileReport, reconcileTenants } from './tenant-files/reconcile.ts'
export { type SecretRef, secretRefSchema, type TenantFile, tenantFileSchema } from './tenant-files/schema.ts'
export {
  checkKsefCertificate,
  type KsefCertificateInfo,
  type KsefCertificateInput,
} from './tenants/ksef-certificate.ts'
export { deleteTenant, disableTenant, enableTenant, type TenantDeletion } from './tenants/lifecycle.ts'
export { leaseRequestTokens, type RequestBudget, type RequestLease } from './tenants/request-budget.ts'
export { type TenantSettings, tenantSettings, tenantSettingsSchema } from './tenants/settings.ts'
export {
  createTenant,
  type Environment,
  getTenant,
  listTenants,
  type TenantInput,
  type TenantRecord,
  toTenantRecord,
  updateTenant,
} from './tenants/tenants.ts'
export {
  type DeliverOptions,
  type DeliveryRun,
  deliverWebhook,
  WebhookDeliveryError,
  type WebhookJob,
  type WebhookPayload,
} from './webhooks/deliver.ts'
export {
  DEFAULT_TOLERANCE_SECONDS,
  generateSigningSecret,
  SIGNATURE_HEADER,
  signPayload,
  verifySignature,
} from './webhooks/signing.ts'
export {
  createSubscription,
  type DeliveryLogEntry,
  deleteSubscription,
  deliveryLog,
  listSubscriptions,
  signingSecretName,
  type WebhookSubscription,
} from './webhooks/subscriptions.ts'
export { reportStuck } from './worker/chores.ts'
export { DEFAULT_TUNING, type WorkerEnv, type WorkerTuning } from './worker/env.ts'
export { pullTenant } from './worker/incoming.ts'
export { type RunningWorker, startWorker, type WorkerOptions } from './worker/worker.ts'
