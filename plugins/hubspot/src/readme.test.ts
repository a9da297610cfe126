import { readFileSync } from 'node:fs'
import { checkConnection } from '@ksef-hub/connector-sdk'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { z } from 'zod'
import hubspotConnector from './index.ts'
import { settingsSchema } from './settings.ts'

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const section = README.slice(README.indexOf('## Step 3: the tenant file'), README.indexOf('## Step 4'))
type Connection = { connector: string; settings: Record<string, unknown>; secrets: Record<string, unknown> }
const examples = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map(
  (match) => (parse(match[1] ?? '') as { connectors: { hubspot: Connection } }).connectors.hubspot,
)
const reference = README.slice(README.indexOf('## Settings reference'), README.indexOf('## Behaviour worth knowing'))

type JsonSchema = { properties?: Record<string, JsonSchema> }

/** Every setting's dotted name: a nested object's leaves (the tax table and the seller as a whole). */
function leaves(schema: JsonSchema, prefix = ''): string[] {
  return Object.entries(schema.properties ?? {}).flatMap(([key, value]) =>
    value.properties && !['taxCodes', 'seller'].includes(key) ? leaves(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  )
}

describe("the README's tenant files", () => {
  it('are connections of this connector whose settings and secret names the connector accepts', () => {
    expect(examples).toHaveLength(2)
    for (const connection of examples) {
      expect(connection.connector).toBe(hubspotConnector.id)
      const secrets = Object.fromEntries(Object.keys(connection.secrets).map((name) => [name, `${name}-value-0123`]))
      const checked = checkConnection(hubspotConnector, connection.settings, secrets)
      expect(checked.ok ? [] : checked.problems).toEqual([])
    }
    expect(examples.map((connection) => Object.keys(connection.secrets))).toEqual([
      ['privateAppToken', 'clientSecret'],
      ['clientId', 'clientSecret', 'refreshToken'],
    ])
    expect(examples.map((connection) => connection.settings.auth)).toEqual(['privateApp', 'oauth'])
  })

  it('lists every setting in the reference', () => {
    const settings = leaves(z.toJSONSchema(settingsSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema)
    const missing = settings.filter((name) => !reference.includes(`\`${name}\``))
    expect(missing).toEqual([])
    expect(settings.length).toBeGreaterThan(25)
  })
})
