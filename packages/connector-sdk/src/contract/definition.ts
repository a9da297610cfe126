/**
 * A connector plugin, declared as data plus small functions (as Nango declares integrations): identity, zod schemas
 * for its settings and secrets (as Cal.com's apps have them), how it authenticates, which hosts it calls, and the
 * capabilities it implements, each optional.
 *
 * @module
 */
import type { z } from 'zod'
import type { AuthDeclaration } from './auth.ts'
import type { ConnectorContext, WebhookContext } from './context.ts'
import type {
  DocumentRef,
  ImportOutcome,
  IncomingDocument,
  MapResult,
  PullPage,
  SourceDocument,
  WriteBackOutcome,
  WriteBackResult,
} from './documents.ts'
import type { ParsedWebhook, WebhookAnswer, WebhookRequest, WebhookVerdict } from './webhooks.ts'

/** The version of this contract. A plugin built for another major version is refused when it is loaded. */
export const SDK_VERSION = 1

/** What a connector can do, in the order the hub uses them. */
export const CAPABILITIES = ['pull', 'map', 'writeBack', 'importIncoming', 'webhooks', 'healthCheck'] as const

/** A capability. */
export type Capability = (typeof CAPABILITIES)[number]

/** Rate limits of the source system, per connection (the hub keeps to them and honours `Retry-After`). */
export interface ConnectionLimits {
  /** Requests in any 60 seconds. */
  readonly requestsPerMinute?: number
  /** Requests in flight at once. */
  readonly concurrent?: number
}

// A method's type, so a connector of any settings type still fits the registry's AnyConnector (methods are bivariant).
type EveryMinutes<Settings> = { minutes(settings: Settings): number }['minutes']

/** Pulling changed documents, page by page, behind a cursor the connector defines. */
export interface PullCapability<Settings, Secrets, Cursor> {
  /** The cursor's schema: the hub stores the cursor as JSON and checks it with this before handing it back. */
  readonly cursor: z.ZodType<Cursor>
  /** How often the hub pulls on its own (default 5 minutes), fixed or from the settings; webhooks pull in between. */
  readonly everyMinutes?: number | EveryMinutes<Settings>
  /** One page of documents changed since `cursor` (`undefined`: the first pull ever). */
  page(context: ConnectorContext<Settings, Secrets>, cursor: Cursor | undefined): Promise<PullPage<Cursor>>
  /**
   * One document read again, as a page would give it; `undefined` when the source no longer has it. The hub reads a
   * document again when a person asks it to retry one, after fixing what its mapping needed elsewhere in the source
   * (a customer's NIP, which changes no posted invoice). Without it, a retry maps the document as it was pulled.
   */
  document?(context: ConnectorContext<Settings, Secrets>, ref: string): Promise<SourceDocument | undefined>
}

/** Receiving the source's webhooks. */
export interface WebhookCapability<Settings, Secrets> {
  /** Answers a handshake (a validation token, an intent-to-receive) before any check; `undefined` if not one. */
  handshake?(
    request: WebhookRequest,
    context: WebhookContext<Settings, Secrets>,
  ): WebhookAnswer | undefined | Promise<WebhookAnswer | undefined>
  /** Whether the call is authentic: a signature over the raw bytes compared in constant time, a fresh timestamp. */
  verify(request: WebhookRequest, context: WebhookContext<Settings, Secrets>): WebhookVerdict | Promise<WebhookVerdict>
  /** What an authentic call asks for. */
  parse(request: WebhookRequest, context: WebhookContext<Settings, Secrets>): ParsedWebhook | Promise<ParsedWebhook>
}

/** A connector's declaration, as its author writes it. */
export interface ConnectorSpec<SettingsSchema extends z.ZodType, SecretsSchema extends z.ZodType, Cursor = unknown> {
  /** Stable id, lower-case letters, digits and hyphens (`hubspot`, `business-central`). */
  readonly id: string
  readonly displayName: string
  /** The plugin's own version (semver). */
  readonly version: string
  /** The version of this contract the plugin was built for ({@link SDK_VERSION}). */
  readonly sdkVersion: number
  /** The connection's settings (never secret), checked when a connection is created. */
  readonly settings: SettingsSchema
  /** The connection's secrets, checked when a connection is created and whenever they are read. */
  readonly secrets: SecretsSchema
  /** How it authenticates (default: secrets used as they are). */
  readonly auth?: AuthDeclaration<z.output<SettingsSchema>, z.output<SecretsSchema>>
  /** The origins it may call (`https://api.hubapi.com`); the HTTP client refuses any other. */
  hosts(settings: z.output<SettingsSchema>): readonly string[]
  /** The account a connection serves (realm, portal, organisation), to route an app's webhooks that mix them. */
  account?(settings: z.output<SettingsSchema>): string | undefined
  /** The system's rate limits for one connection. */
  limits?(settings: z.output<SettingsSchema>): ConnectionLimits
  readonly pull?: PullCapability<z.output<SettingsSchema>, z.output<SecretsSchema>, Cursor>
  /** A source document -> an invoice, or a `MappingError` naming the field and the fix. */
  map?(
    context: ConnectorContext<z.output<SettingsSchema>, z.output<SecretsSchema>>,
    document: SourceDocument,
  ): Promise<MapResult>
  /** KSeF's answer into the source document. Idempotent: reads first, reports `already` when it is there. */
  writeBack?(
    context: ConnectorContext<z.output<SettingsSchema>, z.output<SecretsSchema>>,
    document: DocumentRef,
    result: WriteBackResult,
  ): Promise<WriteBackOutcome>
  /** A purchase invoice from KSeF -> a bill in the system. Idempotent by KSeF number. */
  importIncoming?(
    context: ConnectorContext<z.output<SettingsSchema>, z.output<SecretsSchema>>,
    incoming: IncomingDocument,
  ): Promise<ImportOutcome>
  readonly webhooks?: WebhookCapability<z.output<SettingsSchema>, z.output<SecretsSchema>>
  /** A cheap authenticated call, for the connection's status. */
  healthCheck?(context: ConnectorContext<z.output<SettingsSchema>, z.output<SecretsSchema>>): Promise<void>
}

/** A declared connector: its spec and the capabilities it implements. */
export type Connector<
  SettingsSchema extends z.ZodType = z.ZodType,
  SecretsSchema extends z.ZodType = z.ZodType,
  Cursor = unknown,
> = ConnectorSpec<SettingsSchema, SecretsSchema, Cursor> & { readonly capabilities: readonly Capability[] }

/** Any connector, as registries hold them. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds connectors of every settings, secrets and cursor type.
export type AnyConnector = Connector<z.ZodType, z.ZodType, any>

const ID = /^[a-z][a-z0-9-]{1,40}$/
// semver.org's own pattern: the previous one refused build metadata (`1.2.3+build.5`) and took `01.0.0`.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/

/**
 * Declares a connector, checking its identity and computing its capabilities.
 *
 * @throws {TypeError} for a malformed id or version, or a plugin built for another SDK version
 * @example
 * ```ts
 * export default defineConnector({
 *   id: 'acme-erp',
 *   displayName: 'Acme ERP',
 *   version: '1.0.0',
 *   sdkVersion: SDK_VERSION,
 *   settings: z.object({ baseUrl: z.url() }),
 *   secrets: z.object({ apiKey: z.string().min(1) }),
 *   hosts: (settings) => [settings.baseUrl],
 *   async writeBack(context, document, result) {
 *     const { apiKey } = await context.credentials.current()
 *     await context.http.request({ method: 'PUT', url: `${context.settings.baseUrl}/invoices/${document.ref}/ksef`,
 *       headers: { authorization: `Bearer ${apiKey}` }, json: { ksefNumber: result.ksefNumber } })
 *     return { method: 'field' }
 *   },
 * })
 * ```
 */
export function defineConnector<SettingsSchema extends z.ZodType, SecretsSchema extends z.ZodType, Cursor = unknown>(
  spec: ConnectorSpec<SettingsSchema, SecretsSchema, Cursor>,
): Connector<SettingsSchema, SecretsSchema, Cursor> {
  if (!ID.test(spec.id)) {
    throw new TypeError(`connector id "${spec.id}" must be 2-41 lower-case letters, digits and hyphens`)
  }
  if (!SEMVER.test(spec.version)) throw new TypeError(`connector ${spec.id}: version "${spec.version}" is not semver`)
  if (spec.sdkVersion !== SDK_VERSION) {
    throw new TypeError(
      `connector ${spec.id} was built for connector SDK ${spec.sdkVersion}; this hub runs SDK ${SDK_VERSION}`,
    )
  }
  if (spec.map && !spec.pull) throw new TypeError(`connector ${spec.id}: map needs pull (nothing else feeds it)`)
  if (spec.pull && !spec.map) throw new TypeError(`connector ${spec.id}: pull needs map (documents must map)`)
  const capabilities = CAPABILITIES.filter((capability) => spec[capability] !== undefined)
  return Object.freeze({ ...spec, capabilities })
}

/**
 * Whether a value (an npm package's default export) is a connector this hub can run.
 *
 * @example
 * ```ts
 * const loaded = (await import(name)).default
 * if (!isConnector(loaded)) throw new Error(`${name} does not export a connector`)
 * ```
 */
export function isConnector(value: unknown): value is AnyConnector {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Partial<AnyConnector>
  return (
    typeof candidate.id === 'string' &&
    candidate.sdkVersion === SDK_VERSION &&
    Array.isArray(candidate.capabilities) &&
    typeof candidate.hosts === 'function' &&
    typeof candidate.settings?.safeParse === 'function' &&
    typeof candidate.secrets?.safeParse === 'function'
  )
}
