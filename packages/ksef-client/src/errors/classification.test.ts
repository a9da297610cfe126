import { describe, expect, it } from 'vitest'
import { classifyFailure, classifyResponse } from '../http/classify.ts'
import { parseErrorBody, retryAfterMs } from '../http/error-body.ts'
import { TransportFailure } from '../http/transport.ts'
import {
  classifyAuthStatus,
  classifyExceptionCode,
  classifyInvoiceStatus,
  classifySessionStatus,
} from './ksef-codes.ts'
import { KsefDuplicateError, KsefError } from './ksef-error.ts'

const send = { operation: 'sendInvoice', idempotent: false, label: 'POST /sessions/online/{referenceNumber}/invoices' }
const read = { operation: 'sessionStatus', idempotent: true, label: 'GET /sessions/{referenceNumber}' }
const json = (body: unknown) => Buffer.from(JSON.stringify(body))
const response = (status: number, body: Buffer, headers: Record<string, string> = {}) => ({
  status,
  headers: { 'content-type': 'application/problem+json', ...headers },
  body,
})

describe('HTTP answers', () => {
  it('429 is transient, carries Retry-After in ms and may be repeated', () => {
    const { error, safeToRepeat } = classifyResponse(
      response(429, json({ title: 'Too Many Requests', status: 429, detail: 'limit' }), { 'retry-after': '7' }),
      send,
    )
    expect(error.errorClass).toBe('transient')
    expect(error.code).toBe('RATE_LIMITED')
    expect(error.retryAfterMs).toBe(7000)
    expect(safeToRepeat).toBe(true)
  })

  it('5xx is transient; repeating is safe only for reads', () => {
    const sent = classifyResponse(response(503, json({ title: 'Service Unavailable', status: 503 })), send)
    expect(sent.error.errorClass).toBe('transient')
    expect(sent.error.code).toBe('HTTP_503')
    expect(sent.safeToRepeat).toBe(false)
    expect(classifyResponse(response(500, Buffer.alloc(0)), read).safeToRepeat).toBe(true)
  })

  it('a 504 on a call that changes state is ambiguous', () => {
    expect(classifyResponse(response(504, Buffer.alloc(0)), send).error.errorClass).toBe('ambiguous')
    expect(classifyResponse(response(504, Buffer.alloc(0)), read).error.errorClass).toBe('transient')
  })

  it('an HTML page from the firewall is transient, not a KSeF verdict', () => {
    const html = Buffer.from(
      '<!DOCTYPE html><html><head><title>Request blocked</title></head><body>Incapsula</body></html>',
    )
    const { error } = classifyResponse({ status: 403, headers: { 'content-type': 'text/html' }, body: html }, send)
    expect(error.errorClass).toBe('transient')
    expect(error.code).toBe('HTML_ERROR_PAGE')
    expect(error.message).toContain('Request blocked')
  })

  it('400 takes its class from the KSeF exception code, problem details or legacy body', () => {
    const problem = classifyResponse(
      response(
        400,
        json({
          title: 'Bad Request',
          status: 400,
          detail: 'x',
          errors: [{ code: 21405, description: 'Błąd walidacji danych wejściowych.', details: ['invoiceHash'] }],
        }),
      ),
      send,
    )
    expect(problem.error.errorClass).toBe('permanent')
    expect(problem.error.code).toBe('21405')
    expect(problem.error.ksefCode).toBe(21405)
    expect(problem.error.details).toEqual(['invoiceHash'])
    const legacy = classifyResponse(
      response(
        400,
        json({
          exception: { exceptionDetailList: [{ exceptionCode: 21470, exceptionDescription: 'Nieznany klucz' }] },
        }),
        { 'content-type': 'application/json' },
      ),
      send,
    )
    expect(legacy.error.errorClass).toBe('transient')
    expect(legacy.error.code).toBe('21470')
    expect(
      classifyResponse(response(400, json({ errors: [{ code: 21304, description: 'Brak' }] })), send).error.errorClass,
    ).toBe('auth')
  })

  it('401 is auth, 403 configuration (reason code kept), 404 configuration, 410 permanent', () => {
    expect(classifyResponse(response(401, json({ title: 'Unauthorized', status: 401 })), read).error.errorClass).toBe(
      'auth',
    )
    const forbidden = classifyResponse(
      response(
        403,
        json({ title: 'Forbidden', status: 403, reasonCode: 'missing-permissions', detail: 'Brak uprawnień' }),
      ),
      read,
    ).error
    expect(forbidden.errorClass).toBe('configuration')
    expect(forbidden.code).toBe('missing-permissions')
    expect(
      classifyResponse(response(404, Buffer.from('Not found'), { 'content-type': 'text/plain' }), read).error
        .errorClass,
    ).toBe('configuration')
    expect(classifyResponse(response(410, json({ title: 'Gone', status: 410 })), read).error.code).toBe('GONE')
  })
})

describe('transport failures', () => {
  it('before the body left: transient and safe to repeat, whatever the call', () => {
    const { error, safeToRepeat } = classifyFailure(
      new TransportFailure('refused', false, 'connect ECONNREFUSED'),
      send,
    )
    expect(error.errorClass).toBe('transient')
    expect(error.code).toBe('CONNECTION_REFUSED')
    expect(safeToRepeat).toBe(true)
    expect(classifyFailure(new TransportFailure('timeout', false, 'slow'), send).error.errorClass).toBe('transient')
  })

  it('after the body left: ambiguous for a send, never repeated; transient for a read', () => {
    for (const kind of ['timeout', 'reset', 'aborted'] as const) {
      const sent = classifyFailure(new TransportFailure(kind, true, 'gone'), send)
      expect(sent.error.errorClass).toBe('ambiguous')
      expect(sent.safeToRepeat).toBe(false)
      expect(sent.error.message).toContain('reconcile')
      expect(classifyFailure(new TransportFailure(kind, true, 'gone'), read).error.errorClass).toBe('transient')
    }
  })

  it('TLS failures are configuration', () => {
    expect(classifyFailure(new TransportFailure('tls', false, 'self-signed'), read).error.errorClass).toBe(
      'configuration',
    )
  })
})

describe('KSeF status codes', () => {
  it('invoice statuses', () => {
    expect([100, 150].map(classifyInvoiceStatus)).toEqual(['pending', 'pending'])
    expect(classifyInvoiceStatus(200)).toBe('accepted')
    expect(classifyInvoiceStatus(440)).toBe('duplicate')
    expect([405, 500, 550].map(classifyInvoiceStatus)).toEqual(['transient', 'transient', 'transient'])
    expect([410, 415, 430, 435, 450].map(classifyInvoiceStatus)).toEqual(Array(5).fill('permanent'))
  })

  it('auth statuses', () => {
    expect(classifyAuthStatus(100)).toBe('pending')
    expect(classifyAuthStatus(200)).toBe('succeeded')
    expect([415, 425, 450, 460, 470, 480].map(classifyAuthStatus)).toEqual(Array(6).fill('configuration'))
    expect([500, 550].map(classifyAuthStatus)).toEqual(['transient', 'transient'])
  })

  it('session statuses', () => {
    expect(classifySessionStatus('online', 170)).toBe('processing')
    expect(classifySessionStatus('batch', 150)).toBe('processing')
    expect(classifySessionStatus('batch', 445)).toBe('permanent')
    expect(classifySessionStatus('batch', 440)).toBe('transient')
  })

  it('exception codes', () => {
    expect(classifyExceptionCode(21180)).toBe('transient')
    expect(classifyExceptionCode(21115)).toBe('configuration')
    expect(classifyExceptionCode(21999)).toBe('permanent')
    expect(classifyExceptionCode(undefined)).toBe('permanent')
  })
})

describe('error bodies and the family', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('2')).toBe(2000)
    expect(retryAfterMs(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000)
    expect(retryAfterMs(undefined)).toBeUndefined()
  })

  it('reads the deprecated 429 body', () => {
    expect(
      parseErrorBody('application/json', json({ status: { code: 429, description: 'Za dużo', details: ['a'] } }))
        .description,
    ).toBe('Za dużo')
  })

  it('a duplicate carries the original and serialises it', () => {
    const error = new KsefDuplicateError({
      code: '440',
      message: 'Duplikat',
      originalKsefNumber: '5265877635-20250916-0200A0D6723E-C2',
    })
    expect(error).toBeInstanceOf(KsefError)
    expect(error.errorClass).toBe('duplicate')
    expect(error.toJSON()).toMatchObject({
      errorClass: 'duplicate',
      originalKsefNumber: '5265877635-20250916-0200A0D6723E-C2',
    })
  })
})
