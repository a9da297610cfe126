/**
 * What a mapping expression gives in the default mode is the SDK's `SalesDocument`: the SDK's schema
 * (`salesDocumentSchema`) decides what is valid, so the connector keeps no copy of that shape. JSON from a REST
 * source says the same things in its own ways, read here before that check: `null` and `""` for "not given",
 * amounts and ids as JSON numbers, days as instants with a zone, the buyer's NIP in one field (`buyer.nip`) or
 * its EU VAT number with its country prefix (`buyer.euVatId`), a bank account with spaces, and `exemption.law`
 * (the word of earlier versions for `exemption.kind`). What does not fit is reported at its place in the
 * expression's result, so the error can name the source field it came from.
 *
 * @module
 */
import { warsawDay } from '@ksef-hub/fa3'
import { Decimal } from 'decimal.js'
import { asList } from './expressions.ts'
import type { ResultIssue } from './mapping-errors.ts'

type Path = readonly PropertyKey[]
type Json = Record<string, unknown>

const DAY = /^\d{4}-\d{2}-\d{2}$/
const ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/
const EU_VAT_ID = /^[A-Z]{2}[0-9A-Z+*]{2,12}$/
/** The fields that are days (KSeF's days are Europe/Warsaw's). */
const DAYS: readonly Path[] = [
  ['issueDate'],
  ['saleDate'],
  ['payment', 'dueDate'],
  ['correction', 'original', 'issueDate'],
]

/** A mapping's result read as a sales document. */
export interface SalesReading {
  /** The document in the SDK's terms, for `salesDocumentSchema` to judge. */
  readonly document: Json
  /** What does not fit the source's ways of writing, at the result's paths. */
  readonly issues: readonly ResultIssue[]
  /** Where in the result a path of the document came from (`buyer.identity.vatNumber` from `buyer.euVatId`). */
  origin(path: Path): Path
}

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value)

/**
 * JSON as the source wrote it, in plain terms: `null` and blank text absent, text trimmed, numbers as decimal
 * text. A number has passed through a binary float when the source's JSON was read: its shortest decimal form is
 * exact up to 15 significant digits, and anything longer is refused rather than rounded silently.
 */
function plain(value: unknown, path: Path, issues: ResultIssue[]): unknown {
  if (value === null) return undefined
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim()
  if (typeof value === 'number') {
    if (new Decimal(value).precision(true) <= 15) return new Decimal(value).toFixed()
    issues.push({ path, message: 'must be a decimal number of at most 15 significant digits (give it as a string)' })
    return value
  }
  // Positions stay (a source field is named by its index), so an absent item stays in its place.
  if (Array.isArray(value)) return value.map((item, index) => plain(item, [...path, index], issues))
  if (!isObject(value)) return value
  const out: Json = {}
  for (const [key, item] of Object.entries(value)) {
    const read = plain(item, [...path, key], issues)
    if (read !== undefined) out[key] = read
  }
  return out
}

function objectAt(document: Json, path: Path): Json | undefined {
  let current: unknown = document
  for (const key of path) current = isObject(current) ? current[key as string] : undefined
  return isObject(current) ? current : undefined
}

function readDays(document: Json, issues: ResultIssue[]): void {
  for (const path of DAYS) {
    const parent = objectAt(document, path.slice(0, -1))
    const key = path.at(-1) as string
    const value = parent?.[key]
    if (parent === undefined || typeof value !== 'string' || DAY.test(value)) continue
    if (ZONED.test(value) && !Number.isNaN(Date.parse(value))) parent[key] = warsawDay(new Date(value))
    else issues.push({ path, message: 'must be a date (YYYY-MM-DD) or a time with its zone (ISO 8601)' })
  }
}

/** The buyer's identity: its NIP candidates, or its EU VAT number when it has no NIP; returns the renamings. */
function readBuyer(buyer: Json, nipField: string, issues: ResultIssue[]): [Path, Path][] {
  const renamed: [Path, Path][] = []
  if (buyer.nipCandidates !== undefined) buyer.nipCandidates = asList(buyer.nipCandidates)
  else {
    buyer.nipCandidates = [[nipField, buyer.nip]]
    renamed.push([
      ['buyer', 'nipCandidates'],
      ['buyer', 'nip'],
    ])
  }
  const hasNip = (buyer.nipCandidates as unknown[]).some((pair) => Array.isArray(pair) && typeof pair[1] === 'string')
  const euVatId = typeof buyer.euVatId === 'string' ? buyer.euVatId.replace(/[\s-]/g, '').toUpperCase() : undefined
  if (buyer.euVatId !== undefined && (euVatId === undefined || !EU_VAT_ID.test(euVatId))) {
    issues.push({ path: ['buyer', 'euVatId'], message: 'must be an EU VAT number with its country prefix' })
  } else if (euVatId && buyer.identity === undefined && !hasNip) {
    buyer.identity = { kind: 'eu', countryCode: euVatId.slice(0, 2), vatNumber: euVatId.slice(2) }
    renamed.push([
      ['buyer', 'identity'],
      ['buyer', 'euVatId'],
    ])
  }
  delete buyer.nip
  delete buyer.euVatId
  return renamed
}

/**
 * Reads a mapping's result (`mapping.target: sales`) as a sales document for the SDK's schema to judge.
 *
 * @param nipField the source field of `buyer.nip`, for an error about the NIP (`customer.nip`)
 * @example
 * ```ts
 * const reading = readSalesResult({ number: 7, issueDate: '2026-07-01T23:30:00Z', buyer: { nip: null } }, 'customer.nip')
 * reading.document // { kind: 'invoice', number: '7', issueDate: '2026-07-02', buyer: { nipCandidates: [['customer.nip', undefined]] }, lines: [] }
 * ```
 */
export function readSalesResult(value: unknown, nipField: string): SalesReading {
  const issues: ResultIssue[] = []
  // A single line is a line, not a list of one: JSONata gives a single match as the value itself.
  const listed = isObject(value) && value.lines !== undefined ? { ...value, lines: asList(value.lines) } : value
  const read = plain(listed, [], issues)
  if (!isObject(read)) {
    return { document: {}, issues: [{ path: [], message: 'is not an object (the sales document)' }], origin: (p) => p }
  }
  const document: Json = { kind: 'invoice', ...read, lines: read.lines ?? [] }
  readDays(document, issues)
  const payment = objectAt(document, ['payment'])
  if (typeof payment?.bankAccount === 'string') payment.bankAccount = payment.bankAccount.replace(/\s/g, '')
  const buyer = objectAt(document, ['buyer'])
  const renamed = buyer ? readBuyer(buyer, nipField, issues) : []
  const exemption = objectAt(document, ['exemption'])
  if (exemption && exemption.kind === undefined) {
    exemption.kind = exemption.law ?? 'polishLaw'
    if (exemption.law !== undefined)
      renamed.push([
        ['exemption', 'kind'],
        ['exemption', 'law'],
      ])
  }
  delete exemption?.law
  const origin = (path: Path): Path =>
    renamed.find(([prefix]) => prefix.every((key, index) => path[index] === key))?.[1] ?? path
  return { document, issues, origin }
}
