/**
 * Payment (Platnosc) and settlement (Rozliczenie): whether and how the invoice is paid, due dates, bank accounts,
 * cash discount, and the charges and deductions that change the amount to pay.
 *
 * @module
 */
import { child, el, group, obj, valueType } from '../mapping/dsl.ts'
import { date } from './dates.ts'
import { amount, codes, integer, pattern, token, yesNo } from './values.ts'

const text256 = token(1, 256)
const paymentDate = date('2016-07-01', '2050-01-01')

/** Payment method (TFormaPlatnosci). */
export const paymentMethod = codes({
  cash: '1',
  card: '2',
  voucher: '3',
  cheque: '4',
  credit: '5',
  transfer: '6',
  mobile: '7',
})

const methodFields = {
  method: el('FormaPlatnosci', paymentMethod).optional(),
  otherMethod: el('OpisPlatnosci', text256).lead(['PlatnoscInna', '1']).optional(),
}

const partialPayment = obj(
  {
    amount: el('KwotaZaplatyCzesciowej', amount),
    date: el('DataZaplatyCzesciowej', paymentDate),
    ...methodFields,
  },
  { atMostOne: [['method', 'otherMethod']] },
)

const dueDate = obj({
  date: el('Termin', paymentDate).optional(),
  description: child(
    'TerminOpis',
    obj({
      quantity: el('Ilosc', integer),
      unit: el('Jednostka', token(1, 50)),
      startEvent: el('ZdarzeniePoczatkowe', text256),
    }),
  ).optional(),
})

/** A bank account (TRachunekBankowy). */
export const bankAccount = obj({
  number: el(
    'NrRB',
    pattern(/[^\t\n\r]{10,34}/, 'must be 10 to 34 characters on one line', { whitespace: 'preserve' }),
  ),
  swift: el('SWIFT', pattern(/[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3}){0,1}/, 'must be a SWIFT/BIC code')).optional(),
  ownBankAccount: el(
    'RachunekWlasnyBanku',
    codes({ purchasedReceivables: '1', collection: '2', ownOperations: '3' }),
  ).optional(),
  bankName: el('NazwaBanku', text256).optional(),
  description: el('OpisRachunku', text256).optional(),
})

const paymentId = pattern(
  /[0-9]{3}[a-zA-Z0-9]{10}/,
  'must be a KSeF payment identifier: 3 digits and 10 letters or digits',
)

/** Payment (Platnosc). */
export const payment = obj(
  {
    paidOn: el('DataZaplaty', paymentDate).lead(['Zaplacono', '1']).optional(),
    partialPayments: group(
      obj({
        paidInFull: el(
          'ZnacznikZaplatyCzesciowej',
          // 2 = paid in full in two or more parts, the last being final; 1 = paid in part.
          valueType(
            yesNo.zod,
            yesNo.accepts,
            { toXml: (full: boolean) => (full ? '2' : '1'), fromXml: (text: string) => text.trim() === '2' },
            yesNo.domain,
          ),
        ),
        payments: child('ZaplataCzesciowa', partialPayment).list(1, 100),
      }),
    ).optional(),
    dueDates: child('TerminPlatnosci', dueDate).many(100),
    ...methodFields,
    bankAccounts: child('RachunekBankowy', bankAccount).many(100),
    factorBankAccounts: child('RachunekBankowyFaktora', bankAccount).many(20),
    cashDiscount: child(
      'Skonto',
      obj({ conditions: el('WarunkiSkonta', text256), amount: el('WysokoscSkonta', text256) }),
    ).optional(),
    paymentLink: el(
      'LinkDoPlatnosci',
      pattern(
        /(https?):\/\/([a-zA-Z0-9][a-zA-Z0-9-]*\.)+[a-zA-Z]{2,}(:[0-9]{1,5})?(\/[^\s?#]*)?\?([^#\s]*&)?IPKSeF=[0-9]{3}[a-zA-Z0-9]{10}(&[^#\s]*)?(#.*)?/,
        'must be an http(s) payment link carrying an IPKSeF parameter',
      ),
    ).optional(),
    paymentId: el('IPKSeF', paymentId).optional(),
  },
  {
    atMostOne: [
      ['paidOn', 'partialPayments'],
      ['method', 'otherMethod'],
    ],
  },
)

const chargeOrDeduction = obj({ amount: el('Kwota', amount), reason: el('Powod', text256) })

/** Settlement (Rozliczenie): charges and deductions, and the resulting amount to pay or to settle. */
export const settlement = obj(
  {
    charges: child('Obciazenia', chargeOrDeduction).many(100),
    chargesTotal: el('SumaObciazen', amount).optional(),
    deductions: child('Odliczenia', chargeOrDeduction).many(100),
    deductionsTotal: el('SumaOdliczen', amount).optional(),
    amountToPay: el('DoZaplaty', amount).optional(),
    amountToSettle: el('DoRozliczenia', amount).optional(),
  },
  { atMostOne: [['amountToPay', 'amountToSettle']] },
)
