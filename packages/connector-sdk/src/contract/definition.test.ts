import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type ConnectorSpec, defineConnector, isConnector, SDK_VERSION } from './definition.ts'

type Spec = ConnectorSpec<z.ZodType, z.ZodType>

const spec: Spec = {
  id: 'acme-erp',
  displayName: 'Acme ERP',
  version: '1.0.0',
  sdkVersion: SDK_VERSION,
  settings: z.object({ baseUrl: z.url() }),
  secrets: z.object({ apiKey: z.string() }),
  hosts: () => ['https://api.acme.example'],
}

const pull: Spec['pull'] = { cursor: z.string(), page: async () => ({ documents: [], cursor: '', more: false }) }
const map: Spec['map'] = async () => ({ skip: 'draft' })

describe('defineConnector', () => {
  it('takes a well-formed declaration as it is, frozen, with no capabilities', () => {
    const connector = defineConnector(spec)
    expect(connector).toMatchObject({ id: 'acme-erp', version: '1.0.0', capabilities: [] })
    expect(Object.isFrozen(connector)).toBe(true)
  })

  it('refuses ids that are not 2-41 lower-case letters, digits and hyphens starting with a letter', () => {
    for (const id of ['', 'a', 'Acme', '1acme', 'acme_erp', 'acme erp', 'acme.erp', `a${'b'.repeat(41)}`]) {
      expect(() => defineConnector({ ...spec, id }), id).toThrow(TypeError)
    }
    for (const id of ['ab', 'hubspot', 'business-central', 'x3', `a${'b'.repeat(40)}`]) {
      expect(defineConnector({ ...spec, id }).id).toBe(id)
    }
  })

  it('takes semver versions, build metadata included, and refuses anything else', () => {
    for (const version of ['1.0.0', '0.1.0-beta.1', '10.20.30', '1.2.3+build.5', '1.0.0-rc.1+sha.5114f85']) {
      expect(defineConnector({ ...spec, version }).version, version).toBe(version)
    }
    for (const version of ['', '1.0', 'v1.0.0', '1.0.0.0', '01.0.0', '1.0.0-', '1.0.0+', 'latest']) {
      expect(() => defineConnector({ ...spec, version }), version).toThrow(/not semver/)
    }
  })

  it('refuses a plugin built for another SDK version, saying which', () => {
    expect(() => defineConnector({ ...spec, sdkVersion: SDK_VERSION + 1 })).toThrow(
      `connector acme-erp was built for connector SDK ${SDK_VERSION + 1}; this hub runs SDK ${SDK_VERSION}`,
    )
  })

  it('refuses map without pull, and pull without map', () => {
    expect(() => defineConnector({ ...spec, map })).toThrow(/map needs pull/)
    expect(() => defineConnector({ ...spec, pull })).toThrow(/pull needs map/)
  })

  it('lists its capabilities in the order the hub uses them, whatever the order written', () => {
    const connector = defineConnector({
      ...spec,
      healthCheck: async () => {},
      webhooks: { verify: () => ({ ok: true }), parse: () => ({ deliveryId: 'd', events: [] }) },
      writeBack: async () => ({ method: 'field' }),
      map,
      pull,
    })
    expect(connector.capabilities).toEqual(['pull', 'map', 'writeBack', 'webhooks', 'healthCheck'])
    expect(
      defineConnector({ ...spec, importIncoming: async () => ({ ref: 'b', created: true }) }).capabilities,
    ).toEqual(['importIncoming'])
  })
})

describe('isConnector', () => {
  it('recognizes a declared connector', () => {
    expect(isConnector(defineConnector(spec))).toBe(true)
  })

  it('refuses what is not one: a spec never declared, another SDK, data without functions, nothing', () => {
    expect(isConnector(spec)).toBe(false)
    expect(isConnector({ ...defineConnector(spec), sdkVersion: SDK_VERSION + 1 })).toBe(false)
    expect(isConnector(JSON.parse(JSON.stringify(defineConnector(spec))))).toBe(false)
    expect(isConnector({ ...defineConnector(spec), settings: {} })).toBe(false)
    for (const value of [null, undefined, 'acme-erp', 1, []]) expect(isConnector(value)).toBe(false)
  })
})
