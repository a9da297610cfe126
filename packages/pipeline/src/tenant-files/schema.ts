/**
 * The shape of a tenant file (`tenants/<id>.yaml` or `.json`): who the tenant is, which KSeF it talks to, its
 * settings and connectors, and REFERENCES to its secrets. A secret itself is never written in a tenant file.
 *
 * @module
 */
import { z } from 'zod'
import { EVENT_TYPES } from '../events/events.ts'
import { tenantSettingsSchema } from '../tenants/settings.ts'

/** Where a secret comes from: an environment variable, a file, or the encrypted store (set with the CLI/API). */
export const secretRefSchema = z
  .union([
    z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name') }),
    z.strictObject({ file: z.string().min(1) }),
    z.strictObject({ stored: z.literal(true) }),
  ])
  .meta({
    description:
      'A reference to a secret, never the secret: {"env": "VAR"} (environment variable), {"file": "/path"} (file contents, trimmed), or {"stored": true} (already in the encrypted store, set with `ksef-hub tenant credentials`).',
  })

/** A secret reference. */
export type SecretRef = z.infer<typeof secretRefSchema>

const CONNECTOR_ID = /^[a-z][a-z0-9-]{1,40}$/

/** A connection of a tenant file, under its name (the connector's id unless `connector` says otherwise). */
const connectionSchema = z.strictObject({
  connector: z
    .string()
    .regex(CONNECTOR_ID)
    .optional()
    .meta({ description: "The connector (default: this entry's name); name two entries to connect two accounts." }),
  enabled: z.boolean().default(true),
  importIncoming: z
    .boolean()
    .default(false)
    .meta({ description: 'Import purchase invoices from KSeF into the system as bills.' }),
  settings: z.record(z.string(), z.unknown()).default({}),
  secrets: z.record(z.string(), secretRefSchema).default({}),
})

/** A tenant file. */
export const tenantFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be 2-63 lower-case letters, digits or hyphens')
      .meta({ description: 'Stable id of the tenant (a slug); it names the tenant in URLs and logs.' }),
    name: z.string().min(1).max(200),
    nip: z
      .string()
      .regex(/^\d{10}$/, 'must be 10 digits')
      .meta({ description: 'The seller NIP (KSeF context).' }),
    environment: z
      .enum(['test', 'demo', 'prod'])
      .meta({ description: 'The KSeF environment. It is bound to the tenant: it never changes after creation.' }),
    ksefBaseUrl: z
      .union([z.url({ protocol: /^https?$/ }), z.strictObject({ env: z.string() })])
      .optional()
      .meta({
        description:
          'A custom KSeF API base (the simulator), or {"env": "VAR"}; never an official host of another environment.',
      }),
    settings: tenantSettingsSchema.partial().default({}),
    credentials: z
      .strictObject({
        ksefToken: secretRefSchema.optional(),
        ksefCertificate: z.strictObject({ certificate: secretRefSchema, privateKey: secretRefSchema }).optional(),
      })
      .default({}),
    apiKey: secretRefSchema.optional().meta({
      description: 'An API key for the tenant to use (ksh_...), from a reference; issued by the CLI otherwise.',
    }),
    connectors: z
      .record(z.string().regex(CONNECTOR_ID), connectionSchema)
      .default({})
      .meta({ description: "The tenant's connections to its systems, by name (see docs/connectors.md)." }),
    webhooks: z
      .array(
        z.strictObject({
          url: z.url({ protocol: /^https?$/ }),
          events: z.array(z.enum(EVENT_TYPES)).min(1),
          secret: secretRefSchema,
          description: z.string().optional(),
        }),
      )
      .default([]),
  })
  .meta({ title: 'KSeF Hub tenant', description: 'One client of the hub: one seller in one KSeF environment.' })

/** A parsed tenant file. */
export type TenantFile = z.output<typeof tenantFileSchema> & { readonly path: string }
