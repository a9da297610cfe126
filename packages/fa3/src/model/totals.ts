/**
 * The invoice totals per VAT rate (P_13_x net, P_14_x VAT, P_14_xW VAT in PLN) and the total due (P_15).
 *
 * @module
 */
import { el, group, obj } from '../mapping/dsl.ts'
import { amount } from './values.ts'

const rateTotal = (n: number) =>
  group(
    obj({
      net: el(`P_13_${n}`, amount),
      vat: el(`P_14_${n}`, amount),
      vatInPln: el(`P_14_${n}W`, amount).optional(),
    }),
  ).optional()

/**
 * Per-rate totals and the total due. For advance invoices they are the advance's values; for corrections, the
 * difference the correction makes (may be negative).
 */
export const totals = obj({
  /** 23% (or 22%). */
  standard: rateTotal(1),
  /** 8% (or 7%). */
  reduced: rateTotal(2),
  /** 5%. */
  superReduced: rateTotal(3),
  /** Flat rate for passenger taxis (4% or 3%). */
  taxi: rateTotal(4),
  /** Special procedure of chapter 6a of section XII (OSS). */
  oss: group(obj({ net: el('P_13_5', amount), vat: el('P_14_5', amount).optional() })).optional(),
  /** 0% in the country, except intra-EU supply and export. */
  zeroDomestic: el('P_13_6_1', amount).optional(),
  /** 0% intra-EU supply of goods (WDT). */
  zeroIntraEu: el('P_13_6_2', amount).optional(),
  /** 0% export of goods. */
  zeroExport: el('P_13_6_3', amount).optional(),
  /** Exempt from VAT. */
  exempt: el('P_13_7', amount).optional(),
  /** Supplies outside the country (other than P_13_5 and P_13_9). */
  outsideCountry: el('P_13_8', amount).optional(),
  /** Services of art. 100 ust. 1 pkt 4. */
  euServices: el('P_13_9', amount).optional(),
  /** Domestic reverse charge: the buyer pays the VAT. */
  reverseCharge: el('P_13_10', amount).optional(),
  /** Margin scheme (art. 119 and 120). */
  margin: el('P_13_11', amount).optional(),
  /** Total amount due (P_15). */
  totalDue: el('P_15', amount),
})
