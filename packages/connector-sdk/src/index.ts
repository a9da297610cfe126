/**
 * `@ksef-hub/connector-sdk`: what every connector plugin implements, and the small helpers it builds on.
 *
 * - the contract: {@link defineConnector}, the context a connector works with, documents, webhooks, auth
 * - errors: {@link ConnectorError} (classified failures), {@link MappingError} (a document that cannot be sent)
 * - helpers: the HTTP client's classification, OAuth 2 grants, webhook signatures, tax tables, NIPs, and
 *   {@link composeInvoice} (a sales document -> FA(3))
 * - `@ksef-hub/connector-sdk/testing`: the conformance kit
 *
 * @module
 */
export { type CredentialStore, createCredentials, withFreshCredentials } from './auth/credentials.ts'
export { clientCredentialsGrant, refreshTokenGrant, type TokenClient, type TokenSet } from './auth/oauth2.ts'
export type {
  AuthDeclaration,
  Credentials,
  OAuth2Auth,
  RefreshContext,
  StaticAuth,
} from './contract/auth.ts'
export type {
  ConnectorContext,
  ConnectorLogger,
  HubLookup,
  SentInvoice,
  TenantInfo,
  WebhookContext,
} from './contract/context.ts'
export {
  type AnyConnector,
  CAPABILITIES,
  type Capability,
  type ConnectionLimits,
  type Connector,
  type ConnectorSpec,
  defineConnector,
  isConnector,
  type PullCapability,
  SDK_VERSION,
  type WebhookCapability,
} from './contract/definition.ts'
export type {
  DocumentRef,
  ImportOutcome,
  IncomingDocument,
  MapResult,
  PullPage,
  SourceDocument,
  WriteBackOutcome,
  WriteBackResult,
} from './contract/documents.ts'
export type { HttpClient, HttpRequest, HttpResponse } from './contract/http.ts'
export { ksefStartDate, pullEveryMinutes } from './contract/settings-parts.ts'
export type {
  ParsedWebhook,
  WebhookAnswer,
  WebhookEvent,
  WebhookRequest,
  WebhookVerdict,
} from './contract/webhooks.ts'
export {
  ConnectorError,
  type ConnectorErrorKind,
  type ConnectorErrorOptions,
  isConnectorError,
  isMappingError,
  isNotReadyError,
  MappingError,
  type MappingErrorCode,
  NotReadyError,
} from './errors.ts'
export { errorOfStatus, kindOfStatus, MAX_RETRY_AFTER_MS, retryAfterMs } from './http/classify.ts'
export { createHttpClient, type HttpClientOptions } from './http/client.ts'
export { type FetchOverOptions, fetchOver } from './http/fetch-adapter.ts'
export { createLimiter, type Limiter } from './http/limiter.ts'
export { type PaginateOptions, paginate } from './http/paginate.ts'
export { discountPerUnit, type MappedLine, withDiscounts } from './mapping/discounts.ts'
export { euCountryCode, foreignBuyerIdentity } from './mapping/foreign-buyer.ts'
export { buyerNipOf, normalizeNip } from './mapping/nip.ts'
export { beforeKsefStart, type PulledDataOptions, pulledData } from './mapping/pulled.ts'
export { type ComposeContext, composeInvoice } from './mapping/sales-document.ts'
export {
  type BuyerIdentity,
  type CorrectedDocument,
  type Exemption,
  exemptionSchema,
  type SalesAddress,
  type SalesDocument,
  type SalesLine,
  salesDocumentSchema,
} from './mapping/sales-document-schema.ts'
export { type TaxCodeEntry, type TaxCodeTable, taxCodeEntry, taxCodeTable, vatRateOf } from './mapping/tax-codes.ts'
export { warsawMidnight } from './mapping/warsaw.ts'
export { type ConnectorHost, createConnectorContext } from './runtime/context.ts'
export { checkConnection, describeProblems, problemsOf, type SchemaProblem } from './runtime/schemas.ts'
export { type ReplayGuard, receiveWebhook, type WebhookReception } from './webhooks/receive.ts'
export { hmacSha256, isFresh, safeEqual } from './webhooks/signatures.ts'
