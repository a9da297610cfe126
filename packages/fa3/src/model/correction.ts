/**
 * The correction block of KOR, KOR_ZAL and KOR_ROZ invoices: reason, type, the corrected invoices and the data
 * as it stood before the correction.
 *
 * @module
 */
import { child, el, group, obj, wrap } from '../mapping/dsl.ts'
import { date } from './dates.ts'
import { address, buyerIdentity } from './parties.ts'
import { amount, codes as codeList, ksefNumber, literals, nip, quantity, token } from './values.ts'

const text256 = token(1, 256)

/** One corrected invoice (DaneFaKorygowanej). `ksefNumber` is absent when it was issued outside KSeF. */
export const correctedInvoice = obj({
  issueDate: el('DataWystFaKorygowanej', date('2006-01-01', '2050-01-01')),
  number: el('NrFaKorygowanej', text256),
  ksefNumber: el('NrKSeFFaKorygowanej', ksefNumber)
    .lead(['NrKSeF', '1'])
    .optional([['NrKSeFN', '1']]),
})

/** The seller's data before the correction (Podmiot1K). */
const sellerBefore = obj({
  vatPrefix: el('PrefiksPodatnika', literals(['PL'])).optional(),
  $id: wrap('DaneIdentyfikacyjne', {
    nip: el('NIP', nip),
    name: el('Nazwa', token(1, 512)),
  }),
  address: child('Adres', address),
})

/** A buyer's data before the correction (Podmiot2K). */
const buyerBefore = obj({
  $id: wrap('DaneIdentyfikacyjne', buyerIdentity),
  address: child('Adres', address).optional(),
  buyerKey: el('IDNabywcy', token(1, 32)).optional(),
})

/** When the correction takes effect (TTypKorekty). */
const correctionType = codeList({ originalDate: '1', correctionDate: '2', otherDate: '3' })

/** The correction block. */
export const correction = obj({
  reason: el('PrzyczynaKorekty', text256).optional(),
  type: el('TypKorekty', correctionType).optional(),
  correctedInvoices: child('DaneFaKorygowanej', correctedInvoice).list(1, 50_000),
  period: el('OkresFaKorygowanej', text256).optional(),
  correctNumber: el('NrFaKorygowany', text256).optional(),
  sellerBefore: child('Podmiot1K', sellerBefore).optional(),
  buyersBefore: child('Podmiot2K', buyerBefore).many(101),
  amountDueBefore: group(
    obj({
      amount: el('P_15ZK', amount),
      exchangeRate: el('KursWalutyZK', quantity).optional(),
    }),
  ).optional(),
})
