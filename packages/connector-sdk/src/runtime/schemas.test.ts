import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineConnector, SDK_VERSION } from '../contract/definition.ts'
import { checkConnection, describeProblems, problemsOf } from './schemas.ts'

const SECRET = 'sk_live_51Hx9TOPSECRET'

const connector = defineConnector({
  id: 'acme-erp',
  displayName: 'Acme ERP',
  version: '1.0.0',
  sdkVersion: SDK_VERSION,
  settings: z.object({
    baseUrl: z.url(),
    pageSize: z.number().int().max(500).default(100),
    taxCodes: z.record(z.string(), z.enum(['23', '8'])),
  }),
  secrets: z.object({
    apiKey: z.string().regex(/^pk_/),
    region: z.enum(['eu', 'us']),
    pin: z.number(),
  }),
  hosts: (settings) => [settings.baseUrl],
})

describe('checkConnection', () => {
  it('gives the parsed settings and secrets, defaults applied', () => {
    const checked = checkConnection(
      connector,
      { baseUrl: 'https://api.acme.example', taxCodes: { VAT23: '23' } },
      { apiKey: 'pk_1', region: 'eu', pin: 1 },
    )
    expect(checked).toEqual({
      ok: true,
      settings: { baseUrl: 'https://api.acme.example', pageSize: 100, taxCodes: { VAT23: '23' } },
      secrets: { apiKey: 'pk_1', region: 'eu', pin: 1 },
    })
  })

  it('names every problem of both by its field, and never a secret value', () => {
    const checked = checkConnection(
      connector,
      { baseUrl: 'not a url', pageSize: 1000, taxCodes: { VAT24: '24' } },
      { apiKey: SECRET, region: SECRET, pin: SECRET },
    )
    expect(checked.ok).toBe(false)
    const problems = checked.ok ? [] : checked.problems
    expect(problems.map((problem) => problem.field)).toEqual([
      'settings.baseUrl',
      'settings.pageSize',
      'settings.taxCodes.VAT24',
      'secrets.apiKey',
      'secrets.region',
      'secrets.pin',
    ])
    expect(JSON.stringify(problems)).not.toContain('TOPSECRET')
  })

  it('names missing secrets', () => {
    const checked = checkConnection(connector, { baseUrl: 'https://a.example', taxCodes: {} }, undefined)
    expect(checked.ok ? [] : checked.problems.map((problem) => problem.field)).toEqual(['secrets'])
  })
})

describe('describing problems', () => {
  it('puts the prefix before zod paths and joins them on one line', () => {
    const result = z.object({ a: z.array(z.object({ b: z.string() })) }).safeParse({ a: [{ b: 1 }] })
    const problems = result.success ? [] : problemsOf(result.error, 'settings')
    expect(problems).toEqual([{ field: 'settings.a.0.b', message: expect.any(String) }])
    expect(describeProblems([...problems, { field: 'secrets.x', message: 'Required' }])).toBe(
      `settings.a.0.b: ${problems[0]?.message}; secrets.x: Required`,
    )
  })
})
