import { describe, expect, it } from 'vitest'
import { isDatabaseUnavailable } from './unavailable.ts'

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code })

describe('telling a database outage from a failed statement', () => {
  it('knows a refused or broken connection, a server shutting down, and node-postgres words for them', () => {
    for (const error of [
      withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      withCode('ECONNRESET'),
      withCode('57P01', 'terminating connection due to administrator command'),
      withCode('57P03', 'the database system is starting up'),
      withCode('08006'),
      withCode('53300', 'sorry, too many clients already'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('wrapped', { cause: withCode('ECONNREFUSED') }),
      new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], ''),
    ]) {
      expect(isDatabaseUnavailable(error), error.message).toBe(true)
    }
  })

  it('does not take a failed statement or anything else for an outage', () => {
    for (const error of [
      withCode('22021', 'invalid byte sequence for encoding "UTF8": 0x00'),
      withCode('23505', 'duplicate key value violates unique constraint'),
      withCode('P0001', 'poisoned'),
      new Error('something else'),
      'not an error',
      undefined,
    ]) {
      expect(isDatabaseUnavailable(error), String(error)).toBe(false)
    }
  })
})
