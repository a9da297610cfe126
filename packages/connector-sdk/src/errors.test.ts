import { describe, expect, it } from 'vitest'
import {
  ConnectorError,
  type ConnectorErrorKind,
  isConnectorError,
  isMappingError,
  MappingError,
  NotReadyError,
} from './errors.ts'

describe('the connector error family', () => {
  it('says which kinds a retry can mend without a person', () => {
    const kinds: Record<ConnectorErrorKind, boolean> = {
      rate_limit: true,
      conflict: true,
      transient: true,
      auth: false,
      forbidden: false,
      not_found: false,
      validation: false,
      mapping: false,
    }
    for (const [kind, retryable] of Object.entries(kinds)) {
      expect(new ConnectorError(kind as ConnectorErrorKind, 'x').retryable, kind).toBe(retryable)
    }
  })

  it('carries the wait, the status and the cause', () => {
    const cause = new Error('socket hang up')
    const error = new ConnectorError('rate_limit', 'slow down', { retryAfterMs: 30_000, status: 429, cause })
    expect(error).toMatchObject({ name: 'ConnectorError', kind: 'rate_limit', retryAfterMs: 30_000, status: 429 })
    expect(error.cause).toBe(cause)
    expect('cause' in new ConnectorError('transient', 'x')).toBe(false)
  })

  it('makes a MappingError a connector error of kind mapping, with its field, fix and issues', () => {
    const error = new MappingError('BUYER_NIP_MISSING', 'customer.taxId', 'no NIP', { fix: 'enter it' })
    expect(error).toMatchObject({ name: 'MappingError', kind: 'mapping', code: 'BUYER_NIP_MISSING', fix: 'enter it' })
    expect(error.issues).toEqual([])
    expect(error.retryable).toBe(false)
    expect(isConnectorError(error)).toBe(true)
    expect(isMappingError(error)).toBe(true)
    expect(isMappingError(new ConnectorError('mapping', 'x'))).toBe(false)
    expect(isConnectorError(new Error('x'))).toBe(false)
  })

  it('makes a NotReadyError a transient error with its wait, not a mapping error', () => {
    const error = new NotReadyError('waits for FV/1', 30_000)
    expect(error).toBeInstanceOf(ConnectorError)
    expect(error).toMatchObject({ name: 'NotReadyError', kind: 'transient', retryAfterMs: 30_000, retryable: true })
    expect(isMappingError(error)).toBe(false)
  })
})
