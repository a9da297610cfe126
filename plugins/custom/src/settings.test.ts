import { checkConnection } from '@ksef-hub/connector-sdk'
import { describe, expect, it } from 'vitest'
import custom from './index.ts'
import { hostsOf, settingsSchema } from './settings.ts'

const minimal = { baseUrl: 'https://erp.example.com/api/v2', taxCodes: { VAT23: '23' } }

const problems = (settings: unknown, secrets: unknown = { apiKey: 'key' }) => {
  const checked = checkConnection(custom, settings, secrets)
  return checked.ok ? [] : checked.problems
}

describe('the settings', () => {
  it('need only the base URL and the tax table: everything else defaults to the example source', () => {
    const settings = settingsSchema.parse(minimal)
    expect(settings.auth).toEqual({ header: 'authorization', scheme: 'Bearer' })
    expect(settings.pull).toMatchObject({ path: '/invoices', pageSize: 100, items: 'items', nextPage: 'nextCursor' })
    expect(settings.writeBack).toMatchObject({ kind: 'patch', path: '/invoices/{ref}', method: 'PATCH' })
    expect(settings.mapping.target).toBe('sales')
    expect(problems(minimal)).toEqual([])
  })

  it('refuse a broken JSONata expression, naming the field', () => {
    expect(problems({ ...minimal, mapping: { expression: '{ "number": number' } })).toEqual([
      {
        field: 'settings.mapping.expression',
        message: expect.stringMatching(/^not a usable JSONata expression: Expected "}" before end of expression/),
      },
    ])
    expect(problems({ ...minimal, pull: { items: 'items[' } })[0]?.field).toBe('settings.pull.items')
    const writeBack = { kind: 'patch', alreadyWhen: 'ksef.number = = $ksefNumber' }
    expect(problems({ ...minimal, writeBack })[0]?.field).toBe('settings.writeBack.alreadyWhen')
  })

  it('refuse a regular expression that can take exponential time', () => {
    expect(problems({ ...minimal, mapping: { skip: '$contains(number, /^(a+)+$/) ? "test"' } })).toEqual([
      { field: 'settings.mapping.skip', message: expect.stringMatching(/\/\^\(a\+\)\+\$\/ may take exponential time/) },
    ])
    expect(problems({ ...minimal, mapping: { skip: '$contains(number, /^PRO-\\d+$/) ? "pro forma"' } })).toEqual([])
  })

  it('refuse templates with placeholders the connector does not fill', () => {
    expect(problems({ ...minimal, pull: { query: { after: '{token}' } } })).toEqual([
      { field: 'settings.pull.query.after', message: 'unknown placeholder {token}; use {since}, {page}, {limit}' },
    ])
    expect(problems({ ...minimal, writeBack: { kind: 'patch', path: '/invoices/{id}' } })[0]).toEqual({
      field: 'settings.writeBack.path',
      message: 'unknown placeholder {id}; use {ref}',
    })
    expect(problems({ ...minimal, writeBack: { kind: 'patch', path: '/invoices' } })[0]?.message).toBe(
      'the template must contain {ref}',
    )
  })

  it('refuse a webhook timestamp that is checked but not signed', () => {
    expect(problems({ ...minimal, webhooks: { signed: '{body}' } })).toEqual([
      { field: 'settings.webhooks.signed', message: 'must contain {timestamp} when timestampHeader is set' },
    ])
    expect(problems({ ...minimal, webhooks: { timestampHeader: null, signed: '{timestamp}.{body}' } })[0]?.field).toBe(
      'settings.webhooks.signed',
    )
    expect(problems({ ...minimal, webhooks: { timestampHeader: null } })).toEqual([])
  })

  it('refuse a tax code mapped to something that is not an FA(3) rate, and secrets without the key', () => {
    expect(problems({ ...minimal, taxCodes: { VAT23: '23%' } })[0]?.field).toBe('settings.taxCodes.VAT23')
    expect(problems(minimal, {})).toEqual([{ field: 'secrets.apiKey', message: expect.any(String) }])
  })

  it('refuse webhook selectors that are neither a dotted path nor JSONata, and a KSeF start that is no date', () => {
    const selectors = { idField: 'meta.delivery-id', refsField: 'events[type = "invoice.updated"].data.id' }
    expect(problems({ ...minimal, webhooks: selectors })).toEqual([])
    expect(problems({ ...minimal, webhooks: { refsField: 'events[type = ' } })).toEqual([
      {
        field: 'settings.webhooks.refsField',
        message: expect.stringMatching(/^not a dotted path nor a usable JSONata expression: /),
      },
    ])
    expect(problems({ ...minimal, ksefStartDate: '2026-02-01' })).toEqual([])
    expect(problems({ ...minimal, ksefStartDate: '1.02.2026' })[0]?.field).toBe('settings.ksefStartDate')
  })

  it('pull as often as the connection says', () => {
    const every = custom.pull?.everyMinutes
    if (typeof every !== 'function') throw new Error('everyMinutes is not read from the settings')
    expect(every(settingsSchema.parse({ ...minimal, pull: { everyMinutes: 15 } }))).toBe(15)
    expect(every(settingsSchema.parse(minimal))).toBe(5)
  })

  it("allow the source's and the write-back webhook's origins, and the source's limits", () => {
    const settings = settingsSchema.parse({
      ...minimal,
      writeBack: { kind: 'webhook', url: 'https://hooks.example.org/ksef?x=1' },
      limits: { requestsPerMinute: 120, concurrent: 4 },
    })
    expect(hostsOf(settings)).toEqual(['https://erp.example.com', 'https://hooks.example.org'])
    expect(hostsOf(settingsSchema.parse({ ...minimal, writeBack: { kind: 'none' } }))).toEqual([
      'https://erp.example.com',
    ])
    expect(custom.limits?.(settings)).toEqual({ requestsPerMinute: 120, concurrent: 4 })
  })

  it('document every field for the tenant file schema', () => {
    const undocumented: string[] = []
    const walk = (node: unknown, path: string) => {
      if (!node || typeof node !== 'object') return
      const schema = node as {
        properties?: Record<string, { description?: string }>
        anyOf?: unknown[]
        oneOf?: unknown[]
      }
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        if (!property.description) undocumented.push(`${path}.${name}`)
        walk(property, `${path}.${name}`)
      }
      for (const variant of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) walk(variant, path)
    }
    walk(settingsSchema.toJSONSchema({ io: 'input' }), 'settings')
    expect(undocumented).toEqual([])
  })
})
