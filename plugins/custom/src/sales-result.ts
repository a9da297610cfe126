/**
 * What a mapping expression must give in the default mode: the SDK's `SalesDocument`, written the way JSON from a
 * REST source comes (a NIP in one field, amounts as strings or plain numbers, dates or timestamps with a zone),
 * plus two things FA(3) needs that `SalesDocument` cannot say yet: the legal basis of exempt (`zw`) supplies and
 * an EU VAT number for intra-EU buyers (`0 WDT`). Checked with zod, so a type mismatch becomes a mapping error
 * naming the field instead of a malformed invoice.
 *
 * @module
 */
import { warsawDay } from '@ksef-hub/fa3'
import { Decimal } from 'decimal.js'
import { z } from 'zod'
import { asList } from './expressions.ts'

/** Absent, `null` and `""` all mean "not given" in a source document. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === null || value === '' ? undefined : value), schema.optional())

const text = z.string().trim().min(1, 'must not be empty')

/**
 * A decimal: a string as the source wrote it, or a JSON number. A number has already passed through a binary
 * float when the source's JSON was read; its shortest decimal form is exact for up to 15 significant digits,
 * and anything longer is refused rather than rounded silently.
 */
const decimalText = z.union([
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/, 'must be a decimal number such as "1234.50"'),
  z
    .number()
    .refine((value) => Number.isFinite(value) && new Decimal(value).precision(true) <= 15, {
      message: 'must be a decimal number of at most 15 significant digits (give it as a string)',
    })
    .transform((value) => new Decimal(value).toFixed()),
])

const ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/

/** A calendar day, or an instant with its zone read as its day in Europe/Warsaw (KSeF's days). */
const day = z.string().transform((value, context) => {
  const trimmed = value.trim()
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) return trimmed
  if (ZONED.test(trimmed) && !Number.isNaN(Date.parse(trimmed))) return warsawDay(new Date(trimmed))
  context.addIssue({ code: 'custom', message: 'must be a date (YYYY-MM-DD) or a time with its zone (ISO 8601)' })
  return z.NEVER
})

const identifier = z.union([text, z.number().int().transform(String)])

const address = z.object({
  countryCode: z
    .string()
    .trim()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter country code (ISO 3166, e.g. "PL")'),
  line1: text,
  line2: optional(text),
})

const list = <T extends z.ZodType>(item: T, min = 0) =>
  z.preprocess((value) => asList(value), z.array(item).min(min, 'the document has no lines'))

const nipCandidate = z.union([
  z.tuple([text, optional(identifier)]),
  z.tuple([text]).transform(([field]) => [field, undefined] as [string, undefined]),
])

const line = z.object({
  name: text,
  quantity: decimalText,
  unit: optional(text),
  unitPrice: decimalText,
  amount: optional(decimalText),
  taxCode: identifier,
  sku: optional(identifier),
})

/** The result of a mapping expression in the default mode (`mapping.target: sales`). */
export const salesResultSchema = z.object({
  kind: z.enum(['invoice', 'correction']).default('invoice'),
  number: text,
  issueDate: day,
  saleDate: optional(day),
  issuePlace: optional(text),
  currency: z
    .string()
    .trim()
    .regex(/^[A-Z]{3}$/, 'must be a currency code (ISO 4217, e.g. "PLN")'),
  exchangeRate: optional(decimalText),
  prices: optional(z.enum(['net', 'gross'])),
  seller: optional(z.object({ name: text, address })),
  buyer: z.object({
    name: text,
    /** The NIP, from one field (the mapping's source field is named in errors). */
    nip: optional(identifier),
    /** Or several `[field, value]` pairs, tried in order. */
    nipCandidates: optional(list(nipCandidate)),
    /** An EU VAT number with its country prefix (`DE811907980`), for a buyer in another member state. */
    euVatId: optional(
      z
        .string()
        .trim()
        .transform((value) => value.replace(/[\s-]/g, '').toUpperCase())
        .pipe(z.string().regex(/^[A-Z]{2}[0-9A-Z+*]{2,12}$/, 'must be an EU VAT number with its country prefix')),
    ),
    address: optional(address),
    email: optional(z.email()),
    customerNumber: optional(identifier),
  }),
  lines: list(line, 1),
  payment: optional(
    z.object({
      dueDate: optional(day),
      method: optional(z.enum(['cash', 'card', 'voucher', 'cheque', 'credit', 'transfer', 'mobile'])),
      bankAccount: optional(
        z
          .string()
          .transform((value) => value.replace(/\s/g, ''))
          .pipe(z.string().min(10).max(34)),
      ),
    }),
  ),
  correction: optional(
    z.object({
      reason: optional(text),
      original: z.object({
        ref: optional(identifier),
        number: optional(text),
        issueDate: optional(day),
        ksefNumber: optional(text),
      }),
    }),
  ),
  /** The legal basis of exempt supplies (P_19A/B/C): required by FA(3) when a line is `zw`. */
  exemption: optional(
    z.object({
      basis: text.max(256),
      law: z.enum(['polishLaw', 'directive', 'other']).default('polishLaw'),
    }),
  ),
})

/** A mapping's result, checked. */
export type SalesResult = z.output<typeof salesResultSchema>
