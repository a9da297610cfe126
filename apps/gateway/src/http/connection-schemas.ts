/**
 * The shapes of the connections API (installed connectors, a tenant's connections, their documents), as zod
 * schemas that also document it.
 *
 * @module
 */
import { z } from '@hono/zod-openapi'
import { CAPABILITIES } from '@ksef-hub/pipeline'

const NAME = /^[a-z][a-z0-9-]{1,40}$/

/** Whether a JSON value holds U+0000 anywhere (PostgreSQL's jsonb refuses it): the path of the first, or null. */
export function zeroBytePath(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'body' : null
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = zeroBytePath(item, `${path}[${index}]`)
      if (found) return found
    }
    return null
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key
      if (key.includes('\u0000')) return at
      const found = zeroBytePath(item, at)
      if (found) return found
    }
  }
  return null
}

/** A connector this hub runs. */
export const ConnectorSchema = z
  .object({
    id: z.string().openapi({ example: 'custom' }),
    displayName: z.string(),
    version: z.string(),
    capabilities: z.array(z.enum(CAPABILITIES)),
  })
  .openapi('Connector')

/** A connection to create or change. */
export const ConnectionInputSchema = z
  .object({
    name: z.string().regex(NAME, 'must be 2-41 lower-case letters, digits and hyphens').optional().openapi({
      description: 'Unique within your tenant (default: the connector id); the `source` of the invoices it brings.',
    }),
    connector: z.string().regex(NAME, 'must be a connector id').openapi({ example: 'custom' }),
    enabled: z.boolean().optional(),
    importIncoming: z.boolean().optional().openapi({ description: 'Import purchase invoices from KSeF as bills.' }),
    settings: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: "Checked by the connector's schema." }),
    secrets: z.record(z.string(), z.unknown()).optional().openapi({
      description: 'Stored encrypted; never returned. Setting them again re-authorizes a `needs_reauth` connection.',
    }),
  })
  .strict()
  .openapi('ConnectionInput')

const counts = (keys: readonly string[]) => z.object(Object.fromEntries(keys.map((key) => [key, z.number().int()])))

/** A connection with how it is doing (never its secrets). */
export const ConnectionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    connector: z.string(),
    enabled: z.boolean(),
    importIncoming: z.boolean(),
    settings: z.record(z.string(), z.unknown()),
    status: z.enum(['active', 'needs_reauth']).openapi({
      description: '`needs_reauth`: the system refused the grant; set the secrets again to resume.',
    }),
    statusReason: z.string().nullable(),
    lastPullStartedAt: z.string().nullable(),
    lastPullFinishedAt: z.string().nullable(),
    cursorAt: z.string().nullable(),
    cursorAgeSeconds: z.number().int().nullable(),
    pulling: z.boolean(),
    lastError: z.string().nullable(),
    lastErrorAt: z.string().nullable(),
    documents: counts(['submitted', 'skipped', 'unmappable', 'invalid', 'waiting', 'refused']),
    writeBacks: counts(['pending', 'done', 'failed', 'none', 'parked']),
    imports: counts(['pending', 'done', 'failed', 'parked']),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Connection')

/** A document a pull found, with what became of it. */
export const SourceDocumentSchema = z
  .object({
    ref: z.string(),
    state: z.enum(['submitted', 'skipped', 'unmappable', 'invalid', 'waiting', 'refused']),
    invoiceId: z.string().nullable(),
    code: z.string().nullable().openapi({ example: 'BUYER_NIP_MISSING' }),
    field: z.string().nullable().openapi({ example: 'customer.taxId' }),
    reason: z.string().nullable(),
    fix: z.string().nullable(),
    issues: z.unknown(),
    attempts: z.number().int(),
    retryAt: z.string().nullable(),
    sourceUpdatedAt: z.string().nullable(),
    firstSeenAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('SourceDocument')

/** The `{id}` of a connection: its name or id. */
export const ConnectionParamSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'custom' }),
})

/** Filters of a connection's documents. */
export const DocumentsQuerySchema = z.object({
  state: z.enum(['submitted', 'skipped', 'unmappable', 'invalid', 'waiting', 'refused']).optional(),
  ref: z.string().min(1).max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
})
