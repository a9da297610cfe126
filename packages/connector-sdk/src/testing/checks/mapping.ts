/**
 * `map.valid` and `map.errors`: every document the fake calls mappable, found by pulling all pages, maps to an
 * invoice of the tenant that passes fa3's full validation (model, XSD, business rules) once the hub has filled in
 * its creation time; every unmappable one throws a `MappingError` with the expected code, the field and a fix.
 *
 * Corrections need their original: the kit maps everything once, records each invoice as sent and confirmed
 * with a KSeF number (as the hub would have by then), and judges the second mapping.
 *
 * @module
 */
import { formatIssue, type InvoiceInput, validateInvoice, warsawDay } from '@ksef-hub/fa3'
import { Decimal } from 'decimal.js'
import type { AnyConnector } from '../../contract/definition.ts'
import type { MapResult, SourceDocument } from '../../contract/documents.ts'
import { isMappingError } from '../../errors.ts'
import { ksefNumberFor, withCreatedAt } from '../fixtures.ts'
import type { ExpectedInvoice } from '../harness.ts'
import { describeError, fail } from '../results.ts'
import type { CheckDefinition, Rig } from '../session.ts'
import { pullAll } from './pulling.ts'

const noMap = (connector: AnyConnector) => (connector.map ? undefined : 'the connector declares no map')

/** A fresh fake and every document a whole pull finds in it. */
async function pulledFixtures(run: { connector: AnyConnector; rig(): Promise<Rig> }) {
  const rig = await run.rig()
  const { documents } = await pullAll(run.connector, rig)
  return { rig, documents }
}

function mapOf(connector: AnyConnector, rig: Rig, document: SourceDocument): Promise<MapResult> {
  if (!connector.map) fail('the connector declares no map')
  return connector.map(rig.context(), document)
}

type Details = { number?: string; issueDate?: string; type?: string }

/** Records what the hub would know by the time a correction comes: each invoice sent and confirmed. */
async function recordSent(connector: AnyConnector, rig: Rig, documents: SourceDocument[]): Promise<void> {
  for (const document of documents) {
    try {
      const mapped = await mapOf(connector, rig, document)
      if (!('invoice' in mapped)) continue
      const details = (mapped.invoice as { details?: Details }).details ?? {}
      if (!details.number || !details.issueDate) continue
      rig.hub.record(document.ref, {
        invoiceId: `conformance-${document.ref}`,
        number: details.number,
        issueDate: details.issueDate,
        state: 'confirmed',
        ksefNumber: ksefNumberFor(rig.fake.tenant.nip, warsawDay(new Date()), `sent ${document.ref}`),
      })
    } catch {
      // A correction whose original is not recorded yet may fail now; the second mapping judges it.
    }
  }
}

type Mapped = {
  seller?: { nip?: string }
  buyer?: { id?: { kind?: string; nip?: string } }
  details?: Details & { totals?: { totalDue?: string } }
}

/** Where the invoice differs from what the fake says it must be. */
function differences(ref: string, invoice: InvoiceInput, expected: ExpectedInvoice | undefined): string[] {
  if (!expected) return []
  const mapped = invoice as Mapped
  const id = mapped.buyer?.id
  const actual = {
    number: mapped.details?.number,
    type: mapped.details?.type,
    buyerNip: id?.kind === 'nip' ? id.nip : id?.kind === 'none' ? null : `(${id?.kind} id)`,
    totalDue: mapped.details?.totals?.totalDue,
  }
  const problems: string[] = []
  for (const field of ['number', 'type', 'buyerNip'] as const) {
    if (expected[field] !== undefined && expected[field] !== actual[field]) {
      problems.push(`${ref}: ${field} is ${JSON.stringify(actual[field])}, expected ${JSON.stringify(expected[field])}`)
    }
  }
  if (expected.totalDue !== undefined && !sameAmount(expected.totalDue, actual.totalDue)) {
    problems.push(`${ref}: totalDue is ${actual.totalDue}, expected ${expected.totalDue}`)
  }
  return problems
}

function sameAmount(expected: string, actual: string | undefined): boolean {
  try {
    return actual !== undefined && new Decimal(expected).equals(new Decimal(actual))
  } catch {
    return false
  }
}

function problemsOf(ref: string, invoice: InvoiceInput, tenantNip: string, now: Date): string[] {
  const report = validateInvoice(withCreatedAt(invoice, now), { now })
  const problems = report.issues
    .filter((issue) => issue.severity === 'error')
    .slice(0, 3)
    .map((issue) => `${ref}: ${formatIssue(issue)}`)
  const sellerNip = (invoice as Mapped).seller?.nip
  if (sellerNip !== tenantNip) problems.push(`${ref}: the seller's NIP is ${sellerNip}, not the tenant's ${tenantNip}`)
  return problems
}

/** The `map.valid` check. */
export const mapValid: CheckDefinition = {
  name: 'map.valid',
  notApplicable: noMap,
  async run(run) {
    const { connector } = run
    const { rig, documents } = await pulledFixtures(run)
    const refs = rig.fake.mappable
    if (refs.length === 0) fail('the fake lists no mappable documents')
    const missing = refs.filter((ref) => !documents.has(ref))
    if (missing.length > 0) fail(`pulling every page did not find mappable ${missing.join(', ')}`)
    const unlisted = Object.keys(rig.fake.expected ?? {}).filter((ref) => !refs.includes(ref))
    if (unlisted.length > 0) fail(`the fake expects invoices of documents it does not list as mappable: ${unlisted}`)
    const fixtures = refs.map((ref) => documents.get(ref) as SourceDocument)
    await recordSent(connector, rig, fixtures)
    const problems: string[] = []
    let corrections = 0
    const now = new Date()
    for (const document of fixtures) {
      let mapped: MapResult
      try {
        mapped = await mapOf(connector, rig, document)
      } catch (error) {
        problems.push(`${document.ref}: map threw ${describeError(error)}`)
        continue
      }
      if (!('invoice' in mapped)) {
        problems.push(`${document.ref}: skipped ("${mapped.skip}") although the fake lists it as mappable`)
        continue
      }
      if ((mapped.invoice as { details?: Details }).details?.type === 'KOR') corrections++
      problems.push(...problemsOf(document.ref, mapped.invoice, rig.fake.tenant.nip, now))
      problems.push(...differences(document.ref, mapped.invoice, rig.fake.expected?.[document.ref]))
    }
    if (problems.length > 0) fail(problems.join('; '))
    const checked = Object.keys(rig.fake.expected ?? {}).length
    return `${fixtures.length} documents (${corrections} correction${corrections === 1 ? '' : 's'}) map to valid FA(3) invoices of the tenant${checked ? `, ${checked} as expected field by field` : ''}`
  },
}

/** The `map.errors` check. */
export const mapErrors: CheckDefinition = {
  name: 'map.errors',
  notApplicable: noMap,
  async run(run) {
    const { connector } = run
    const { rig, documents } = await pulledFixtures(run)
    const expected = rig.fake.unmappable
    if (expected.length === 0) {
      fail('the fake lists no unmappable documents: add at least one (a buyer without a NIP, an unmapped tax code)')
    }
    const missing = expected.filter((item) => !documents.has(item.ref)).map((item) => item.ref)
    if (missing.length > 0) fail(`pulling every page did not find unmappable ${missing.join(', ')}`)
    const problems: string[] = []
    for (const { ref, code } of expected) {
      try {
        const mapped = await mapOf(connector, rig, documents.get(ref) as SourceDocument)
        problems.push(
          `${ref}: ${'invoice' in mapped ? 'mapped to an invoice' : `skipped ("${mapped.skip}")`}, not ${code}`,
        )
      } catch (error) {
        if (!isMappingError(error)) problems.push(`${ref}: threw ${describeError(error)}, not a MappingError ${code}`)
        else if (error.code !== code) problems.push(`${ref}: MappingError ${error.code}, expected ${code}`)
        else if (!error.field) problems.push(`${ref}: the MappingError names no field`)
        else if (!error.fix) problems.push(`${ref}: the MappingError gives no fix`)
      }
    }
    if (problems.length > 0) fail(problems.join('; '))
    return `${expected.length} documents refused with their code, field and fix (${expected.map((item) => item.code).join(', ')})`
  },
}
