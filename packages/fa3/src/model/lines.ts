/**
 * Invoice lines (FaWiersz) and order lines of an advance invoice (ZamowienieWiersz).
 *
 * @module
 */
import { el, flag, obj } from '../mapping/dsl.ts'
import { date } from './dates.ts'
import { amount, literals, percentage, positiveInteger, quantity, token, unitPrice } from './values.ts'

/** VAT rate (TStawkaPodatku), in its official spelling. */
export const VAT_RATES = [
  '23',
  '22',
  '8',
  '7',
  '5',
  '4',
  '3',
  '0 KR',
  '0 WDT',
  '0 EX',
  'zw',
  'oo',
  'np I',
  'np II',
] as const
/** The VAT rate codes of FA(3). */
export type VatRate = (typeof VAT_RATES)[number]

const vatRate = literals(VAT_RATES)
const gtu = literals([
  'GTU_01',
  'GTU_02',
  'GTU_03',
  'GTU_04',
  'GTU_05',
  'GTU_06',
  'GTU_07',
  'GTU_08',
  'GTU_09',
  'GTU_10',
  'GTU_11',
  'GTU_12',
  'GTU_13',
])
const ORDER_PROCEDURES = ['WSTO_EE', 'IED', 'TT_D', 'B_SPV', 'B_SPV_DOSTAWA', 'B_MPV_PROWIZJA'] as const
const text50 = token(1, 50)
const text20 = token(1, 20)

/** One invoice line (FaWiersz). */
export const line = obj({
  number: el('NrWierszaFa', positiveInteger),
  uuid: el('UU_ID', text50).optional(),
  deliveryDate: el('P_6A', date('2006-01-01', '2050-01-01')).optional(),
  name: el('P_7', token(1, 512)).optional(),
  index: el('Indeks', text50).optional(),
  gtin: el('GTIN', text20).optional(),
  pkwiu: el('PKWiU', text50).optional(),
  cn: el('CN', text50).optional(),
  pkob: el('PKOB', text50).optional(),
  unit: el('P_8A', token(1, 256)).optional(),
  quantity: el('P_8B', quantity).optional(),
  unitNetPrice: el('P_9A', unitPrice).optional(),
  unitGrossPrice: el('P_9B', unitPrice).optional(),
  discount: el('P_10', unitPrice).optional(),
  netAmount: el('P_11', amount).optional(),
  grossAmount: el('P_11A', amount).optional(),
  vatAmount: el('P_11Vat', amount).optional(),
  vatRate: el('P_12', vatRate).optional(),
  ossVatRate: el('P_12_XII', percentage).optional(),
  annex15: flag('P_12_Zal_15'),
  exciseAmount: el('KwotaAkcyzy', amount).optional(),
  gtu: el('GTU', gtu).optional(),
  procedure: el('Procedura', literals([...ORDER_PROCEDURES, 'I_42', 'I_63'])).optional(),
  exchangeRate: el('KursWaluty', quantity).optional(),
  beforeCorrection: flag('StanPrzed'),
})

/** One line of the order an advance invoice is paid for (ZamowienieWiersz). */
export const orderLine = obj({
  number: el('NrWierszaZam', positiveInteger),
  uuid: el('UU_IDZ', text50).optional(),
  name: el('P_7Z', token(1, 512)).optional(),
  index: el('IndeksZ', text50).optional(),
  gtin: el('GTINZ', text20).optional(),
  pkwiu: el('PKWiUZ', text50).optional(),
  cn: el('CNZ', text50).optional(),
  pkob: el('PKOBZ', text50).optional(),
  unit: el('P_8AZ', token(1, 256)).optional(),
  quantity: el('P_8BZ', quantity).optional(),
  unitNetPrice: el('P_9AZ', unitPrice).optional(),
  netAmount: el('P_11NettoZ', amount).optional(),
  vatAmount: el('P_11VatZ', amount).optional(),
  vatRate: el('P_12Z', vatRate).optional(),
  ossVatRate: el('P_12Z_XII', percentage).optional(),
  annex15: flag('P_12Z_Zal_15'),
  gtu: el('GTUZ', gtu).optional(),
  procedure: el('ProceduraZ', literals(ORDER_PROCEDURES)).optional(),
  exciseAmount: el('KwotaAkcyzyZ', amount).optional(),
  beforeCorrection: flag('StanPrzedZ'),
})
