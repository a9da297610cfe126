/**
 * The kit bites: it passes a connector that keeps the contract (Ledgerly and its fake), and each deliberately
 * broken copy of it fails the check that guards what it broke, while the checks it did not touch still pass.
 */

import type { InvoiceInput } from '@ksef-hub/fa3'
import { describe, expect, it } from 'vitest'
import { withFreshCredentials } from '../auth/credentials.ts'
import type { Connector } from '../contract/definition.ts'
import { defineConnector } from '../contract/definition.ts'
import type { MapResult } from '../contract/documents.ts'
import { ledgerlySpec } from './example/connector.ts'
import { startLedgerlyFake } from './example/fake.ts'
import { ledgerlyHarness } from './example/harness.ts'
import { CHECK_NAMES, type CheckName, type CheckResult, runConformance } from './index.ts'

type Spec = typeof ledgerlySpec
type Ledgerly = Connector<Spec['settings'], Spec['secrets'], { updatedAt: string; id: string }>

const harnessOf = (connector: Ledgerly) => ({ connector, start: startLedgerlyFake })

async function statuses(connector: Ledgerly, only: CheckName[], timeoutMs?: number) {
  const results = await runConformance(harnessOf(connector), { only, ...(timeoutMs ? { timeoutMs } : {}) })
  return Object.fromEntries(results.map((result) => [result.name, result])) as Record<CheckName, CheckResult>
}

const baseUrl = (context: { settings: { baseUrl: string } }) => context.settings.baseUrl

describe('the conformance kit on a connector that keeps the contract', () => {
  it('passes every check, in the kit order', async () => {
    const results = await runConformance(ledgerlyHarness)
    expect(results.map((result) => [result.name, result.status, result.detail])).toEqual(
      CHECK_NAMES.map((name) => [name, 'passed', expect.any(String)]),
    )
  }, 60_000)

  it('refuses a check name it does not have', async () => {
    await expect(runConformance(ledgerlyHarness, { only: ['writeBack.twice' as CheckName] })).rejects.toThrow(
      /no check "writeBack.twice"/,
    )
  })

  it('reports checks of capabilities the connector does not declare as not applicable, never passed', async () => {
    const staticOnly = defineConnector({
      ...ledgerlySpec,
      auth: undefined,
      webhooks: undefined,
      importIncoming: undefined,
    })
    const only: CheckName[] = [
      'declaration',
      'webhooks.valid',
      'webhooks.forged',
      'auth.rotation',
      'importIncoming.once',
    ]
    const found = await statuses(staticOnly, only)
    expect(Object.values(found).map((result) => [result.name, result.status])).toEqual([
      ['declaration', 'passed'],
      ['webhooks.valid', 'not-applicable'],
      ['webhooks.forged', 'not-applicable'],
      ['auth.rotation', 'not-applicable'],
      ['importIncoming.once', 'not-applicable'],
    ])
    expect(found['auth.rotation'].detail).toMatch(/does not use OAuth 2/)
  })
})

describe('the conformance kit on broken connectors', () => {
  it('fails writeBack.once for a write-back that does not read first and writes twice', async () => {
    const writesTwice = defineConnector({
      ...ledgerlySpec,
      async writeBack(context, document, result) {
        await withFreshCredentials(context.credentials, (secrets) =>
          context.http.request({
            method: 'POST',
            url: `${baseUrl(context)}/v1/invoices/${document.ref}/notes`,
            headers: { authorization: `Bearer ${secrets.accessToken}` },
            json: { body: `KSeF: ${result.ksefNumber}` },
          }),
        )
        return { method: 'note' as const }
      },
    })
    const found = await statuses(writesTwice, ['declaration', 'writeBack.once'])
    expect(found.declaration.status).toBe('passed')
    expect(found['writeBack.once']).toMatchObject({ status: 'failed', detail: expect.stringMatching(/left 2 effects/) })
  })

  it('fails webhooks.forged and webhooks.tampered for a verifier that accepts anything', async () => {
    const acceptsAnything = defineConnector({
      ...ledgerlySpec,
      webhooks: { ...ledgerlySpec.webhooks, verify: () => ({ ok: true as const }) },
    })
    const found = await statuses(acceptsAnything, [
      'webhooks.valid',
      'webhooks.forged',
      'webhooks.tampered',
      'webhooks.replayed',
    ])
    expect(found['webhooks.valid'].status).toBe('passed')
    expect(found['webhooks.replayed'].status).toBe('passed')
    expect(found['webhooks.forged']).toMatchObject({ status: 'failed', detail: expect.stringMatching(/another key/) })
    expect(found['webhooks.tampered']).toMatchObject({ status: 'failed', detail: expect.stringMatching(/one byte/) })
  })

  it('fails map.valid for a mapping that drops the buyer NIP (the invoices are still valid FA(3))', async () => {
    const dropsNip = defineConnector({
      ...ledgerlySpec,
      async map(context, document) {
        const mapped: MapResult = await ledgerlySpec.map(context, document)
        if (!('invoice' in mapped)) return mapped
        const invoice = { ...mapped.invoice, buyer: { ...mapped.invoice.buyer, id: { kind: 'none' } } }
        return { invoice: invoice as InvoiceInput }
      },
    })
    const found = await statuses(dropsNip, ['map.valid', 'map.errors'])
    expect(found['map.errors'].status).toBe('passed')
    expect(found['map.valid']).toMatchObject({
      status: 'failed',
      detail: expect.stringContaining('inv-1: buyerNip is null, expected "7010002139"'),
    })
  })

  it('fails pull.resume for a pull that marks itself done up to now when a page fails', async () => {
    const skipsOnFailure = defineConnector({
      ...ledgerlySpec,
      pull: {
        ...ledgerlySpec.pull,
        async page(context, cursor) {
          try {
            return await ledgerlySpec.pull.page(context, cursor)
          } catch {
            return { documents: [], cursor: { updatedAt: new Date().toISOString(), id: '' }, more: false }
          }
        },
      },
    })
    const found = await statuses(skipsOnFailure, ['pull.resume'])
    expect(found['pull.resume']).toMatchObject({
      status: 'failed',
      detail: expect.stringMatching(/lost 5 documents: inv-3, .*returned instead of failing/),
    })
  })

  it('fails auth.rotation for a renewal that does not store the rotated refresh token', async () => {
    const forgetsRotation = defineConnector({
      ...ledgerlySpec,
      auth: {
        ...ledgerlySpec.auth,
        async refresh(context) {
          const renewed = await ledgerlySpec.auth.refresh(context)
          return { ...renewed, refreshToken: context.secrets.refreshToken }
        },
      },
    })
    const found = await statuses(forgetsRotation, ['errors.401', 'auth.rotation'])
    expect(found['errors.401'].status).toBe('passed')
    expect(found['auth.rotation']).toMatchObject({
      status: 'failed',
      detail: expect.stringMatching(/refresh token the system accepts now is not among the stored secrets/),
    })
  })

  it('fails importIncoming.once for an import that does not look for the bill first', async () => {
    const importsTwice = defineConnector({
      ...ledgerlySpec,
      async importIncoming(context, incoming) {
        const response = await withFreshCredentials(context.credentials, (secrets) =>
          context.http.request({
            method: 'POST',
            url: `${baseUrl(context)}/v1/bills`,
            headers: { authorization: `Bearer ${secrets.accessToken}` },
            json: { supplier_id: 'sup-1', ksef_number: incoming.ksefNumber },
          }),
        )
        return { ref: response.json<{ id: string }>().id, created: true }
      },
    })
    const found = await statuses(importsTwice, ['importIncoming.once'])
    expect(found['importIncoming.once']).toMatchObject({ status: 'failed', detail: expect.stringMatching(/2 bills/) })
  })

  it('fails errors.* for calls made around the SDK client (no classification, no timeout)', async () => {
    const bypassesClient = defineConnector({
      ...ledgerlySpec,
      async healthCheck(context) {
        const secrets = await context.credentials.current()
        const response = await fetch(`${baseUrl(context)}/v1/me`, {
          headers: { authorization: `Bearer ${secrets.accessToken}` },
        })
        if (!response.ok) throw new Error(`Ledgerly answered ${response.status}`)
      },
    })
    const found = await statuses(bypassesClient, ['errors.429', 'errors.5xx', 'errors.timeout'], 200)
    expect(found['errors.429']).toMatchObject({
      status: 'failed',
      detail: expect.stringMatching(/not a ConnectorError/),
    })
    expect(found['errors.5xx'].status).toBe('failed')
    expect(found['errors.timeout']).toMatchObject({ status: 'failed', detail: expect.stringMatching(/still waiting/) })
  }, 30_000)

  it('fails logs.redacted for a connector that logs its access token', async () => {
    const logsToken = defineConnector({
      ...ledgerlySpec,
      async healthCheck(context) {
        const secrets = await context.credentials.current()
        context.logger.debug({ token: secrets.accessToken }, 'checking the connection')
        await ledgerlySpec.healthCheck(context)
      },
    })
    const found = await statuses(logsToken, ['logs.redacted'])
    expect(found['logs.redacted']).toMatchObject({
      status: 'failed',
      detail: expect.stringMatching(/carry secrets \(accessToken\).*\[secret accessToken\]/),
    })
    expect(found['logs.redacted'].detail).not.toMatch(/at_[A-Za-z0-9_-]{20}/)
  })
})
