/**
 * `@ksef-hub/ksef-client`: the only code in the hub that talks to KSeF (API 2.0).
 *
 * - {@link createKsefClient}: environments, login (KSeF token or XAdES), online sessions, batch, status, UPO,
 *   incoming metadata, download and exports
 * - the error family: {@link KsefError} and its classes, what to do about each in the README
 * - the limiter ({@link RateLimiter}, {@link RateLimitStore}) and the logger interface ({@link KsefLogger})
 * - offline: {@link certificateQrLink} (KOD II); KOD I is `@ksef-hub/fa3`'s `invoiceQrLink`
 *
 * @module
 */

export { AuthManager, type AuthManagerOptions, type AuthState } from './auth/auth-manager.ts'
export {
  type CertificateCredentials,
  type ContextIdentifier,
  type ExternalSignerCredentials,
  type KsefCredentials,
  nipContext,
  type TokenCredentials,
} from './auth/credentials.ts'
export { AUTH_TOKEN_REQUEST_NAMESPACE, authTokenRequestXml, signXades, verifyXades } from './auth/xades.ts'
export {
  type BatchFileEntry,
  type BatchInvoice,
  type BatchPackage,
  type BatchPackageLimits,
  type BatchPart,
  batchFileInfo,
  buildBatchPackage,
} from './batch/batch-package.ts'
export {
  type BatchInvoiceResult,
  type BatchSubmission,
  batchResults,
  closeBatchSession,
  type SendBatchOptions,
  sendBatch,
  waitForBatch,
} from './batch/batch-session.ts'
export { createKsefClient, KsefClient, type KsefClientOptions } from './client.ts'
export { aesDecrypt, aesEncrypt, aesEncryptor, createSessionKey, type SessionKey } from './crypto/aes.ts'
export { type EncryptionInfo, encryptionInfo, type PreparedInvoice, prepareInvoice } from './crypto/encryption.ts'
export {
  choosePublicKey,
  type MfPublicKey,
  PublicKeyCache,
  type PublicKeyCertificate,
  type PublicKeyUsage,
  rsaOaepEncrypt,
} from './crypto/public-keys.ts'
export {
  KSEF_ENVIRONMENTS,
  type KsefEnvironment,
  type KsefEnvironmentInput,
  type KsefEnvironmentName,
  resolveEnvironment,
} from './environments.ts'
export {
  type AuthStatusKind,
  classifyAuthStatus,
  classifyExceptionCode,
  classifyInvoiceStatus,
  classifySessionStatus,
  type InvoiceStatusKind,
  type SessionKind,
  type SessionStatusKind,
} from './errors/ksef-codes.ts'
export {
  isKsefError,
  KSEF_ERROR_CLASSES,
  KsefAmbiguousError,
  KsefAuthError,
  KsefConfigurationError,
  KsefDuplicateError,
  type KsefDuplicateInit,
  KsefError,
  type KsefErrorClass,
  type KsefErrorInit,
  KsefPermanentError,
  KsefTransientError,
  makeKsefError,
} from './errors/ksef-error.ts'
export { classifyFailure, classifyResponse } from './http/classify.ts'
export { type ErrorBody, parseErrorBody, retryAfterMs } from './http/error-body.ts'
export {
  type AccessTokenSource,
  type CallOptions,
  KsefHttp,
  type KsefResponse,
  type RetryPolicy,
} from './http/ksef-http.ts'
export { OPERATIONS, type Operation } from './http/operations.ts'
export {
  nodeTransport,
  type Transport,
  type TransportBody,
  TransportFailure,
  type TransportRequest,
  type TransportResponse,
} from './http/transport.ts'
export { type DownloadedInvoice, downloadInvoice } from './incoming/download.ts'
export {
  downloadExport,
  type ExportContents,
  type ExportOptions,
  type ExportPackage,
  type ExportPart,
  type ExportStatus,
  exportInvoices,
  nextIncrementalFrom,
  type StartedExport,
  startExport,
  waitForExport,
} from './incoming/export.ts'
export {
  type InvoiceDateType,
  type InvoiceMetadata,
  type InvoiceQueryFilters,
  type InvoiceSubjectType,
  parseJsonWithAmounts,
  recordDate,
} from './incoming/metadata.ts'
export {
  type MetadataPage,
  type MetadataQueryOptions,
  type MetadataQueryResult,
  queryInvoiceMetadata,
  queryMetadataPage,
} from './incoming/query.ts'
export { type KsefLogger, type LogMethod, noopLogger, redactingLogger, SecretRedactor } from './logging/logger.ts'
export {
  type CertificateQrInput,
  certificateQrLink,
  certificateQrSigningString,
  signCertificateQr,
  toBase64Url,
} from './offline/certificate-qr.ts'
export { RateLimiter, type RateLimiterOptions } from './rate-limit/limiter.ts'
export { InMemoryRateLimitStore, type RateLimitStore, type RateLimitWindow } from './rate-limit/store.ts'
export {
  OFFICIAL_RATE_LIMITS,
  RATE_LIMIT_GROUPS,
  type RateLimitGroup,
  type RateLimitTable,
  type RateLimitValues,
} from './rate-limit/table.ts'
export { FA3_FORM, type FormCode } from './sessions/form-code.ts'
export {
  OnlineSession,
  type OpenSessionOptions,
  openOnlineSession,
  type SendInvoiceOptions,
  type SentInvoice,
} from './sessions/online-session.ts'
export { type PollOptions, pollUntil, waitForInvoice, waitForSession } from './sessions/polling.ts'
export { OnlineSessionManager, type SessionManagerOptions } from './sessions/session-manager.ts'
export {
  getInvoiceStatus,
  getSessionStatus,
  type InvoiceOutcome,
  invoiceOutcome,
  type ListOptions,
  listSessionInvoices,
  type SessionInvoiceStatus,
  type SessionStatus,
  type StatusInfo,
  sessionInvoiceResults,
  type UpoPageRef,
} from './sessions/status.ts'
export {
  downloadInvoiceUpo,
  downloadSessionUpo,
  downloadUpoFromUrl,
  type InvoiceUpoTarget,
  type SessionUpoPage,
  type Upo,
} from './upo/upo-download.ts'
export { type ParsedUpo, parseUpo, type UpoDocument } from './upo/upo-parser.ts'
