import { readFileSync } from 'node:fs'
import { checkConnection } from '@ksef-hub/connector-sdk'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { z } from 'zod'
import businessCentral from './index.ts'
import { settingsSchema } from './settings.ts'

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const section = README.slice(README.indexOf('## Step 5: the tenant file'))
const example = parse(/```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '') as {
  nip: string
  connectors: { bc: { connector: string; settings: Record<string, unknown>; secrets: Record<string, unknown> } }
}
const connection = example.connectors.bc
const reference = README.slice(README.indexOf('## Settings reference'), README.indexOf('## Behaviour worth knowing'))

type JsonSchema = { properties?: Record<string, JsonSchema> }

/** Every setting's dotted name: a nested object's leaves (the tax table and the extension field as a whole). */
function leaves(schema: JsonSchema, prefix = ''): string[] {
  return Object.entries(schema.properties ?? {}).flatMap(([key, value]) =>
    value.properties && !['taxCodes', 'extensionField'].includes(key)
      ? leaves(value, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  )
}

describe("the README's tenant file", () => {
  it('is a connection of this connector whose settings and secret names the connector accepts', () => {
    expect(connection.connector).toBe(businessCentral.id)
    const secrets = Object.fromEntries(
      Object.keys(connection.secrets).map((name) => [name, `${name}-value-0123456789abcdef`]),
    )
    const checked = checkConnection(businessCentral, connection.settings, secrets)
    expect(checked.ok ? [] : checked.problems).toEqual([])
    expect(Object.keys(connection.secrets)).toEqual(['clientId', 'clientSecret', 'clientState'])
  })

  it('lists every setting in the reference', () => {
    const settings = leaves(z.toJSONSchema(settingsSchema, { io: 'input' }) as JsonSchema)
    const missing = settings.filter((name) => !reference.includes(`\`${name}\``) && !reference.includes(`\`${name}.`))
    expect(missing).toEqual([])
    expect(settings.length).toBeGreaterThan(15)
  })
})
