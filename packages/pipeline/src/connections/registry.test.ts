import { describe, expect, it } from 'vitest'
import { testConnector } from '../testing/connectors.ts'
import { connectorOf, connectorRegistry } from './registry.ts'

describe('the connector registry', () => {
  it('holds connectors by id', () => {
    const hubspot = testConnector('hubspot')
    const xero = testConnector('xero')
    const registry = connectorRegistry([hubspot, xero])
    expect([...registry.keys()]).toEqual(['hubspot', 'xero'])
    expect(connectorOf(registry, 'xero')).toBe(xero)
  })

  it('refuses two connectors with one id (two plugins claiming a name would route one’s work to the other)', () => {
    expect(() => connectorRegistry([testConnector('hubspot'), testConnector('hubspot')])).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION', message: 'two connectors have the id hubspot' }),
    )
  })

  it('names the field and the installed connectors when one is not installed', () => {
    const registry = connectorRegistry([testConnector('xero'), testConnector('hubspot')])
    expect(() => connectorOf(registry, 'quickbooks')).toThrow(
      expect.objectContaining({
        code: 'CONFIGURATION',
        details: { field: 'connector' },
        message: 'connector quickbooks is not installed in this hub (installed: hubspot, xero)',
      }),
    )
    expect(() => connectorOf(connectorRegistry([]), 'xero')).toThrow(/\(installed: none\)/)
  })
})
