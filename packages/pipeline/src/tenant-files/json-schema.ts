/**
 * The published JSON Schema of tenant files (`tenants/tenant.schema.json`), generated from the tenant-file schema
 * and from the schemas of the connectors this hub runs, so an editor checks a connection's settings, and the names
 * of its secrets, as the connector itself will.
 *
 * @module
 */
import type { AnyConnector } from '@ksef-hub/connector-sdk'
import { z } from 'zod'
import { secretRefSchema, tenantFileSchema } from './schema.ts'

type JsonSchema = Record<string, unknown>

const toJson = (schema: z.ZodType): JsonSchema => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-2020-12',
    // Checks zod runs in code (a JSONata expression compiles, a URL is reachable) have no JSON Schema form.
    unrepresentable: 'any',
  }) as JsonSchema
  return rest
}

function secretsOf(connector: AnyConnector): JsonSchema {
  const shape = toJson(connector.secrets)
  const properties = (shape.properties ?? {}) as Record<string, unknown>
  const ref = toJson(secretRefSchema)
  return {
    type: 'object',
    description: `References to the ${connector.displayName} connection's secrets (never the secrets).`,
    properties: Object.fromEntries(Object.keys(properties).map((name) => [name, ref])),
    additionalProperties: false,
  }
}

function connectionOf(connector: AnyConnector, base: JsonSchema, connectorRequired: boolean): JsonSchema {
  const properties = (base.properties ?? {}) as Record<string, JsonSchema>
  return {
    ...base,
    description: `A ${connector.displayName} connection (${connector.id} ${connector.version}).`,
    properties: {
      ...properties,
      connector: { const: connector.id },
      settings: toJson(connector.settings),
      secrets: secretsOf(connector),
    },
    ...(connectorRequired ? { required: [...((base.required as string[]) ?? []), 'connector'] } : {}),
  }
}

/**
 * The JSON Schema of tenant files for a hub running `connectors`.
 *
 * @example
 * ```ts
 * await writeFile('tenants/tenant.schema.json', JSON.stringify(tenantFileJsonSchema([...registry.values()]), null, 2))
 * ```
 */
export function tenantFileJsonSchema(connectors: readonly AnyConnector[] = []): JsonSchema {
  const document = {
    ...z.toJSONSchema(tenantFileSchema, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://ksef-hub.dev/schemas/tenant.schema.json',
  } as JsonSchema
  if (connectors.length === 0) return document
  const properties = document.properties as Record<string, JsonSchema>
  const field = properties.connectors as JsonSchema
  const entry = field.additionalProperties as JsonSchema
  const sorted = [...connectors].sort((a, b) => a.id.localeCompare(b.id))
  properties.connectors = {
    ...field,
    // An entry named after its connector may leave `connector` out; any other name must say which it is.
    properties: Object.fromEntries(sorted.map((connector) => [connector.id, connectionOf(connector, entry, false)])),
    additionalProperties: { anyOf: sorted.map((connector) => connectionOf(connector, entry, true)) },
  }
  return document
}
