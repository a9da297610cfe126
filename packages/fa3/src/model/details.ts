/**
 * The invoice's own data (Fa): currency, dates, number, totals, annotations, type, correction data, advances,
 * lines, settlement, payment, terms and the order of an advance invoice.
 *
 * @module
 */
import { child, el, flag, group, obj } from '../mapping/dsl.ts'
import { annotations } from './annotations.ts'
import { correction } from './correction.ts'
import { date } from './dates.ts'
import { line, orderLine } from './lines.ts'
import { payment, settlement } from './payment.ts'
import { terms } from './terms.ts'
import { totals } from './totals.ts'
import { amount, currencyCode, ksefNumber, literals, positiveInteger, quantity, token } from './values.ts'

const text256 = token(1, 256)
const invoiceDate = date('2006-01-01', '2050-01-01')

/** Invoice types of FA(3) (TRodzajFaktury). */
export const INVOICE_TYPES = ['VAT', 'KOR', 'ZAL', 'ROZ', 'UPR', 'KOR_ZAL', 'KOR_ROZ'] as const
/** An FA(3) invoice type. */
export type InvoiceType = (typeof INVOICE_TYPES)[number]

/** An advance invoice settled by this one (FakturaZaliczkowa): its KSeF number, or its number outside KSeF. */
const advanceInvoice = obj(
  {
    invoiceNumber: el('NrFaZaliczkowej', text256).lead(['NrKSeFZN', '1']).optional(),
    ksefNumber: el('NrKSeFFaZaliczkowej', ksefNumber).optional(),
  },
  { exactlyOne: [['invoiceNumber', 'ksefNumber']] },
)

/** The order an advance invoice is paid for (Zamowienie). */
const order = obj({
  value: el('WartoscZamowienia', amount),
  lines: child('ZamowienieWiersz', orderLine).list(1, 10_000),
})

/** The invoice's data (Fa). */
export const details = obj(
  {
    currency: el('KodWaluty', currencyCode),
    issueDate: el('P_1', invoiceDate),
    issuePlace: el('P_1M', text256).optional(),
    number: el('P_2', text256),
    warehouseDocuments: el('WZ', text256).many(1000),
    deliveryDate: el('P_6', invoiceDate).optional(),
    deliveryPeriod: child(
      'OkresFa',
      obj({ from: el('P_6_Od', invoiceDate), to: el('P_6_Do', invoiceDate) }),
    ).optional(),
    totals: group(totals),
    advanceExchangeRate: el('KursWalutyZ', quantity).optional(),
    annotations: child('Adnotacje', annotations).default({
      cashAccounting: false,
      selfBilling: false,
      reverseCharge: false,
      splitPayment: false,
      simplifiedTriangular: false,
    }),
    type: el('RodzajFaktury', literals(INVOICE_TYPES)),
    correction: group(correction).optional(),
    partialAdvances: child(
      'ZaliczkaCzesciowa',
      obj({
        paymentDate: el('P_6Z', invoiceDate),
        amount: el('P_15Z', amount),
        exchangeRate: el('KursWalutyZW', quantity).optional(),
      }),
    ).many(31),
    receiptInvoice: flag('FP'),
    relatedParties: flag('TP'),
    additionalInfo: child(
      'DodatkowyOpis',
      obj({
        lineNumber: el('NrWiersza', positiveInteger).optional(),
        key: el('Klucz', text256),
        value: el('Wartosc', text256),
      }),
    ).many(10_000),
    advanceInvoices: child('FakturaZaliczkowa', advanceInvoice).many(100),
    exciseRefund: flag('ZwrotAkcyzy'),
    lines: child('FaWiersz', line).many(10_000),
    settlement: child('Rozliczenie', settlement).optional(),
    payment: child('Platnosc', payment).optional(),
    terms: child('WarunkiTransakcji', terms).optional(),
    order: child('Zamowienie', order).optional(),
  },
  { atMostOne: [['deliveryDate', 'deliveryPeriod']] },
)
