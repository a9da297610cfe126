/**
 * The contract between the hub and a connector plugin. A connector sees only its narrow context (its config, its
 * decrypted secrets, an HTTP client, a logger, an abort signal): never the database, the queue or the HTTP server.
 *
 * @module
 */
import type { z } from 'zod'

/** The logging calls a connector may make (pino-compatible; redacted by the hub). */
export interface ConnectorLogger {
  debug(object: Record<string, unknown>, message?: string): void
  info(object: Record<string, unknown>, message?: string): void
  warn(object: Record<string, unknown>, message?: string): void
  error(object: Record<string, unknown>, message?: string): void
}

/** What a connector gets for one piece of work. */
export interface ConnectorContext<Config, Secrets> {
  readonly tenantId: string
  readonly config: Config
  readonly secrets: Secrets
  /** `fetch` with the hub's timeout; connectors must not call other hosts than their system's. */
  readonly fetch: typeof fetch
  readonly logger: ConnectorLogger
  readonly signal: AbortSignal
}

/** What KSeF decided about an invoice, handed back to the system it came from. */
export interface WriteBackResult {
  /** The hub's invoice id. */
  readonly invoiceId: string
  readonly ksefNumber: string
  /** When KSeF assigned the number (the legal receipt date). */
  readonly acquisitionDate: Date
  /** The UPO, exactly as KSeF issued it. */
  readonly upoXml: Uint8Array
  /** The QR code I link of the invoice. */
  readonly verificationUrl: string
}

/** How a write-back went. */
export interface WriteBackOutcome {
  /** Where the KSeF number went: a field, a note, an attachment; `already` when it was there before. */
  readonly method: 'field' | 'note' | 'attachment' | 'already'
}

/** A document of the source system, by its identity there. */
export interface SourceDocumentRef {
  /** The id the source uses (the hub's `sourceRef`). */
  readonly sourceRef: string
}

/** What a connector instance can do; everything but identity is optional, declared by capability. */
export interface ConnectorInstance {
  /**
   * Writes the KSeF number, date and UPO back into the source document. Must be idempotent: read first, and
   * report `already` when the same KSeF number is there.
   */
  writeBack?(document: SourceDocumentRef, result: WriteBackResult): Promise<WriteBackOutcome>
  /** A cheap authenticated call, for the connection status. */
  healthCheck?(): Promise<void>
}

/** A connector plugin. */
export interface ConnectorDefinition<
  ConfigSchema extends z.ZodType = z.ZodType,
  SecretsSchema extends z.ZodType = z.ZodType,
> {
  /** Stable id: the `source` of the invoices it brings, e.g. `hubspot`. */
  readonly id: string
  readonly displayName: string
  /** Ordered by preference: how this system can store the KSeF number. */
  readonly writeBack: readonly ('field' | 'note' | 'attachment')[]
  /** Validates the connector's settings in a tenant file. */
  readonly configSchema: ConfigSchema
  /** Validates the connector's secrets (resolved from references, never written in tenant files). */
  readonly secretsSchema: SecretsSchema
  /** Creates an instance for one piece of work. */
  create(context: ConnectorContext<z.output<ConfigSchema>, z.output<SecretsSchema>>): ConnectorInstance
}

/**
 * Declares a connector. An identity function: its value is in the types it checks.
 *
 * @example
 * ```ts
 * export default defineConnector({
 *   id: 'custom',
 *   displayName: 'Custom system',
 *   writeBack: ['field'],
 *   configSchema: z.object({ baseUrl: z.url() }),
 *   secretsSchema: z.object({ apiKey: z.string() }),
 *   create: (context) => ({ async writeBack(document, result) { return { method: 'field' } } }),
 * })
 * ```
 */
export function defineConnector<ConfigSchema extends z.ZodType, SecretsSchema extends z.ZodType>(
  definition: ConnectorDefinition<ConfigSchema, SecretsSchema>,
): ConnectorDefinition<ConfigSchema, SecretsSchema> {
  if (!/^[a-z][a-z0-9-]{1,40}$/.test(definition.id)) {
    throw new TypeError(`connector id "${definition.id}" must be lower-case letters, digits and hyphens`)
  }
  return definition
}
