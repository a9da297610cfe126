import { describe, expect, it } from 'vitest'
import type { ConnectorContext } from '../contract/context.ts'
import { ledgerly } from './example/connector.ts'
import { connectorTestContext } from './test-context.ts'

const tenant = { id: 't1', nip: '5265877635', name: 'Sprzedawca sp. z o.o.' }
const settings = { baseUrl: 'http://127.0.0.1:9', taxCodes: { VAT23: '23' } }
const secrets = {
  clientId: 'c',
  clientSecret: 's',
  refreshToken: 'r',
  accessToken: 'a',
  expiresAt: '2999-01-01T00:00:00.000Z',
  webhookSecret: 'w'.repeat(16),
}
const confirmed = {
  invoiceId: 'i1',
  number: 'FV/1',
  issueDate: '2026-11-02',
  state: 'confirmed',
  ksefNumber: '5265877635-20261102-0100001A2B3C-4D',
} as const

describe('connectorTestContext', () => {
  it('builds the context as the hub does, with the secrets, the sent invoices, the clock and a logger it keeps', async () => {
    const at = new Date('2026-11-20T10:00:00Z')
    const { context, logs, store } = connectorTestContext<ConnectorContext<typeof settings, typeof secrets>>(ledgerly, {
      tenant,
      settings,
      secrets,
      sent: { 'inv-1': confirmed },
      now: () => at,
    })
    expect(context.settings).toEqual({ ...settings, pageSize: 50 })
    expect(context.connection).toEqual({ id: 'connection-1', name: 'ledgerly' })
    expect(await context.credentials.current()).toEqual(secrets)
    expect(await context.hub.invoiceOf('inv-1')).toEqual(confirmed)
    expect(await context.hub.invoiceOf('inv-2')).toBeUndefined()
    expect(context.now()).toBe(at)
    context.logger.info({ ref: 'inv-1' }, 'seen')
    expect(JSON.parse(logs[0] ?? '')).toEqual({ level: 'info', ref: 'inv-1', msg: 'seen' })
    expect(store.stored()).toEqual(secrets)
  })

  it('takes the sent invoices as a map too, a named connection, and refuses settings the connector refuses', async () => {
    const sent = new Map([['inv-1', confirmed]])
    const connection = { id: 'c2', name: 'second' }
    const { context } = connectorTestContext<ConnectorContext<unknown, unknown>>(ledgerly, {
      tenant,
      settings,
      secrets,
      sent,
      connection,
    })
    expect(context.connection).toEqual(connection)
    expect(await context.hub.invoiceOf('inv-1')).toEqual(confirmed)
    expect(() => connectorTestContext(ledgerly, { tenant, settings: {}, secrets })).toThrow()
  })
})
