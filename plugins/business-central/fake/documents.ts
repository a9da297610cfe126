/**
 * Document arithmetic as BC posts it, in decimal strings: a line's amount is quantity × price less its discount,
 * rounded to grosze; VAT is computed per VAT identifier (tax code) on the document's total and spread over the
 * lines (the last line takes the rounding), net or gross as the document's `pricesIncludeTax` says; the header
 * sums the lines. And the number series: drafts and posted documents number apart, so posting changes `number`
 * while `id` stays (notes §3).
 *
 * @module
 */
import { Decimal } from 'decimal.js'
import { BC_ERRORS } from './facts.ts'
import { BcError } from './http.ts'
import { round2 } from './json.ts'
import type { EntitySet, Row } from './model.ts'
import type { Store, Stored } from './store.ts'

/** VAT Posting Setup of the fake's companies: VAT Prod. Posting Group (`taxCode`) -> VAT %. */
export const TAX_RATES: Readonly<Record<string, string>> = {
  VAT23: '23',
  VAT8: '8',
  VAT5: '5',
  VAT0: '0',
  ZW: '0',
  NP: '0',
  VAT22: '22',
}

/** G/L accounts a purchase line of type Account may name. */
export const ACCOUNTS: readonly string[] = ['402-100', '402-200', '403-100', '404-100', '409-100', '490-100']

/**
 * The tax percent of a tax code.
 *
 * @throws {BcError} BC's table relation error for a code the setup does not have
 * @example
 * ```ts
 * taxPercentOf('VAT8', 'Purchase Line') // '8'
 * ```
 */
export function taxPercentOf(taxCode: string, table: string): string {
  const rate = TAX_RATES[taxCode]
  if (rate === undefined) {
    throw new BcError(BC_ERRORS.relation('VAT Prod. Posting Group', table, taxCode, 'VAT Product Posting Group'))
  }
  return rate
}

interface LineValues {
  readonly stored: Stored
  readonly amount: Decimal
  readonly rate: Decimal
}

/** Spreads `total` over `parts` in proportion, rounded, the last part taking the rounding difference. */
function spread(total: Decimal, parts: readonly Decimal[]): Decimal[] {
  const sum = parts.reduce((a, b) => a.plus(b), new Decimal(0))
  let left = total
  return parts.map((part, index) => {
    if (index === parts.length - 1) return left
    const share = sum.isZero() ? new Decimal(0) : new Decimal(round2(total.times(part).dividedBy(sum)))
    left = left.minus(share)
    return share
  })
}

/**
 * Recomputes the amounts of a document's lines and its totals (the rows are changed in place: this is part of
 * the write that changed the document or a line).
 *
 * @example
 * ```ts
 * recalculate(store, companyId, 'purchaseInvoices', invoiceId)
 * ```
 */
export function recalculate(store: Store, companyId: string, set: EntitySet, id: string): void {
  const document = store.get(companyId, set, id)
  if (!document) return
  const priceField = set === 'purchaseInvoices' ? 'unitCost' : 'unitPrice'
  const gross = document.row.pricesIncludeTax === true
  const lines: LineValues[] = []
  for (const line of store.linesOf(companyId, set, document.id)) {
    if (line.row.lineType === 'Comment') {
      line.row = { ...line.row, quantity: '0', [priceField]: '0', taxCode: '', taxPercent: '0' }
      continue
    }
    const quantity = new Decimal(String(line.row.quantity ?? '0'))
    const price = new Decimal(String(line.row[priceField] ?? '0'))
    const before = new Decimal(round2(quantity.times(price)))
    const percent = new Decimal(String(line.row.discountPercent ?? '0'))
    // A percent decides the discount; without one, the amount given (or none).
    const discount = percent.isZero()
      ? new Decimal(String(line.row.discountAmount ?? '0'))
      : new Decimal(round2(before.times(percent).dividedBy(100)))
    const rate = new Decimal(String(line.row.taxPercent ?? '0'))
    line.row = { ...line.row, discountAmount: discount.toFixed(2) }
    lines.push({ stored: line, amount: before.minus(discount), rate })
  }
  const groups = new Map<string, LineValues[]>()
  for (const line of lines) {
    const code = String(line.stored.row.taxCode ?? '')
    groups.set(code, [...(groups.get(code) ?? []), line])
  }
  let [net, tax] = [new Decimal(0), new Decimal(0)]
  for (const group of groups.values()) {
    const rate = group[0]?.rate ?? new Decimal(0)
    const total = group.reduce((sum, line) => sum.plus(line.amount), new Decimal(0))
    const groupNet = gross ? new Decimal(round2(total.dividedBy(rate.dividedBy(100).plus(1)))) : total
    const groupTax = gross ? total.minus(groupNet) : new Decimal(round2(total.times(rate).dividedBy(100)))
    const nets = gross
      ? spread(
          groupNet,
          group.map((line) => line.amount),
        )
      : group.map((line) => line.amount)
    const taxes = spread(groupTax, nets)
    group.forEach((line, index) => {
      const [lineNet, lineTax] = [nets[index] ?? new Decimal(0), taxes[index] ?? new Decimal(0)]
      const amounts: Row = {
        amountExcludingTax: lineNet.toFixed(2),
        totalTaxAmount: lineTax.toFixed(2),
        amountIncludingTax: lineNet.plus(lineTax).toFixed(2),
        netAmount: lineNet.toFixed(2),
        netTaxAmount: lineTax.toFixed(2),
        netAmountIncludingTax: lineNet.plus(lineTax).toFixed(2),
      }
      line.stored.row = { ...line.stored.row, ...amounts }
    })
    net = net.plus(groupNet)
    tax = tax.plus(groupTax)
  }
  const including = net.plus(tax)
  const paid = document.row.status === 'Paid'
  document.row = {
    ...document.row,
    totalAmountExcludingTax: net.toFixed(2),
    totalTaxAmount: tax.toFixed(2),
    totalAmountIncludingTax: including.toFixed(2),
    ...(set === 'salesInvoices' ? { remainingAmount: paid ? '0' : including.toFixed(2) } : {}),
  }
}

/** The series of a company's posted sales invoices and credit memos. */
export interface SalesSeries {
  readonly invoice: string
  readonly creditMemo: string
}

/**
 * Number series of one company.
 *
 * @example
 * ```ts
 * const numbering = new Numbering()
 * numbering.next('FZ', 2026) // 'FZ/2026/00001'
 * ```
 */
export class Numbering {
  readonly #next = new Map<string, number>()
  #sales: SalesSeries = { invoice: 'FV', creditMemo: 'FK' }

  /** The company's own series of posted sales documents (each BC company has its own No. Series). */
  useSalesSeries(series: SalesSeries): void {
    this.#sales = series
  }

  /**
   * The next number of a posted sales invoice or credit memo, in the company's series.
   *
   * @example
   * ```ts
   * numbering.salesNumber(true, 2026) // 'FV/2026/00001'
   * ```
   */
  salesNumber(invoice: boolean, year: number): string {
    return this.next(invoice ? this.#sales.invoice : this.#sales.creditMemo, year)
  }

  /**
   * The next number of a series, e.g. `FV/2026/00001`.
   *
   * @example
   * ```ts
   * numbering.next('FV', 2026) // 'FV/2026/00001'
   * numbering.next('S') // 'S-1001'
   * ```
   */
  next(series: string, year?: number): string {
    const key = `${series}/${year ?? ''}`
    const value = (this.#next.get(key) ?? 0) + 1
    this.#next.set(key, value)
    return year === undefined ? `${series}-${1000 + value}` : `${series}/${year}/${String(value).padStart(5, '0')}`
  }
}
