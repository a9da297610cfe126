/**
 * A typical domestic VAT invoice with consistent arithmetic: the fixture for benchmarks, demos and the tests of
 * the packages built on fa3.
 *
 * @module
 */
import { Decimal } from 'decimal.js'
import type { Invoice } from '../model/invoice.ts'

/** Options of {@link typicalInvoice}. */
export interface TypicalInvoiceOptions {
  /** Number of lines (default 20). */
  readonly lines?: number
  /** Invoice number P_2 (default `FV/2026/11/0001`). */
  readonly number?: string
  readonly sellerNip?: string
  readonly buyerNip?: string
  /** P_1, `YYYY-MM-DD` (default 2026-11-02). */
  readonly issueDate?: string
}

const RATES = ['23', '8', '5'] as const
const BUCKET = { '23': 'standard', '8': 'reduced', '5': 'superReduced' } as const

/**
 * Builds a VAT invoice with `lines` lines at 23%, 8% and 5%, whose per-rate and total amounts add up.
 *
 * @example
 * ```ts
 * const invoice = typicalInvoice({ lines: 20, number: 'FV/1' })
 * const xml = buildInvoiceXml(invoice)
 * ```
 */
export function typicalInvoice(options: TypicalInvoiceOptions = {}): Invoice {
  const count = options.lines ?? 20
  const issueDate = options.issueDate ?? '2026-11-02'
  const nets = { standard: new Decimal(0), reduced: new Decimal(0), superReduced: new Decimal(0) }
  const lines = Array.from({ length: count }, (_, i) => {
    const vatRate = RATES[i % RATES.length] as (typeof RATES)[number]
    const quantity = new Decimal((i % 7) + 1)
    const unitNetPrice = new Decimal(19.99).add(i * 3.5)
    const netAmount = quantity.mul(unitNetPrice).toDecimalPlaces(2, Decimal.ROUND_HALF_UP)
    nets[BUCKET[vatRate]] = nets[BUCKET[vatRate]].add(netAmount)
    return {
      number: i + 1,
      uuid: `line-${String(i + 1).padStart(4, '0')}`,
      name: `Towar testowy nr ${i + 1} — usługa & dostawa`,
      index: `SKU-${1000 + i}`,
      unit: 'szt.',
      quantity: quantity.toString(),
      unitNetPrice: unitNetPrice.toFixed(2),
      netAmount: netAmount.toFixed(2),
      vatRate,
      annex15: false,
      beforeCorrection: false,
    }
  })
  const rate = { standard: 23, reduced: 8, superReduced: 5 }
  const totals: Record<string, unknown> = {}
  let due = new Decimal(0)
  for (const bucket of ['standard', 'reduced', 'superReduced'] as const) {
    if (nets[bucket].isZero()) continue
    const vat = nets[bucket].mul(rate[bucket]).div(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP)
    totals[bucket] = { net: nets[bucket].toFixed(2), vat: vat.toFixed(2) }
    due = due.add(nets[bucket]).add(vat)
  }
  return {
    header: { createdAt: `${issueDate}T08:00:00Z`, systemInfo: 'KSeF Hub' },
    seller: {
      nip: options.sellerNip ?? '5265877635',
      name: 'Przykładowy Sprzedawca sp. z o.o.',
      address: { countryCode: 'PL', line1: 'ul. Prosta 1', line2: '00-001 Warszawa' },
      contacts: [{ email: 'faktury@sprzedawca.example', phone: '221234567' }],
    },
    buyer: {
      id: { kind: 'nip', nip: options.buyerNip ?? '7010002139' },
      name: 'Przykładowy Nabywca S.A.',
      address: { countryCode: 'PL', line1: 'ul. Długa 2', line2: '30-001 Kraków' },
      jstSubordinateUnit: false,
      vatGroupMember: false,
    },
    details: {
      currency: 'PLN',
      issueDate,
      issuePlace: 'Warszawa',
      number: options.number ?? 'FV/2026/11/0001',
      deliveryDate: issueDate,
      totals: { ...totals, totalDue: due.toFixed(2) } as Invoice['details']['totals'],
      annotations: {
        cashAccounting: false,
        selfBilling: false,
        reverseCharge: false,
        splitPayment: false,
        simplifiedTriangular: false,
      },
      type: 'VAT',
      receiptInvoice: false,
      relatedParties: false,
      exciseRefund: false,
      lines,
      payment: {
        dueDates: [{ date: issueDate }],
        method: 'transfer',
        bankAccounts: [{ number: '61109010140000071219812874', bankName: 'Bank Przykładowy S.A.' }],
      },
    },
  }
}
