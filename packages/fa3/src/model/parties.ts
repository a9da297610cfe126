/**
 * The parties of an invoice: seller (Podmiot1), buyer (Podmiot2), third parties (Podmiot3) and the authorized
 * party (PodmiotUpowazniony), with their addresses and contacts.
 *
 * @module
 */
import { child, choice, el, obj, valueType, wrap } from '../mapping/dsl.ts'
import {
  codes,
  countryCode,
  euCountryCode,
  euVatNumber,
  foreignTaxId,
  internalId,
  literals,
  nip,
  percentage,
  token,
  yesNo,
} from './values.ts'

const text256 = token(1, 256)
const text512 = token(1, 512)

/** Address (TAdres): country and up to two free-form lines. */
export const address = obj({
  countryCode: el('KodKraju', countryCode),
  line1: el('AdresL1', text512),
  line2: el('AdresL2', text512).optional(),
  gln: el('GLN', token(1, 13)).optional(),
})

/** TAdresEmail: a token of 3..255 characters with an @ between two non-empty parts. */
const EMAIL = /^.+@.+$/
const emailToken = token(3, 255)
const email = valueType(
  emailToken.zod.regex(EMAIL, 'must be an e-mail address'),
  (value) => emailToken.accepts(value) && EMAIL.test(value as string),
  emailToken.codec,
  { kind: 'pattern', regex: /^(.)+@(.)+$/ },
)
const emailField = (xml: string) => el(xml, email).optional()

/** Contact details (DaneKontaktowe): e-mail and phone, both optional. */
export const contact = obj({
  email: emailField('Email'),
  phone: el('Telefon', token(1, 16)).optional(),
})

/** Seller's VAT status (StatusInfoPodatnika). */
const taxpayerStatus = codes({ liquidation: '1', restructuring: '2', bankruptcy: '3', estate: '4' })

/** The seller (Podmiot1). */
export const seller = obj({
  vatPrefix: el('PrefiksPodatnika', literals(['PL'])).optional(),
  eori: el('NrEORI', text256).optional(),
  $id: wrap('DaneIdentyfikacyjne', {
    nip: el('NIP', nip),
    name: el('Nazwa', text512),
  }),
  address: child('Adres', address),
  correspondenceAddress: child('AdresKoresp', address).optional(),
  contacts: child('DaneKontaktowe', contact).many(3),
  status: el('StatusInfoPodatnika', taxpayerStatus).optional(),
})

const euId = { fields: { countryCode: el('KodUE', euCountryCode), vatNumber: el('NrVatUE', euVatNumber) } }
const foreignId = {
  fields: { countryCode: el('KodKraju', countryCode).optional(), taxId: el('NrID', foreignTaxId) },
}
const noId = { lead: [['BrakID', '1']] as const }

/**
 * How the buyer is identified (TPodmiot2): Polish NIP, EU VAT number, another country's tax number, or none.
 */
const buyerId = choice({
  nip: { fields: { nip: el('NIP', nip) } },
  eu: euId,
  foreign: foreignId,
  none: noId,
})

/** Identification and name as in TPodmiot2, for the buyer, a carrier and the buyer before a correction. */
export const buyerIdentity = {
  id: buyerId,
  name: el('Nazwa', text512).optional(),
}

const buyerKey = token(1, 32)

/** The buyer (Podmiot2). */
export const buyer = obj({
  eori: el('NrEORI', text256).optional(),
  $id: wrap('DaneIdentyfikacyjne', buyerIdentity),
  address: child('Adres', address).optional(),
  correspondenceAddress: child('AdresKoresp', address).optional(),
  contacts: child('DaneKontaktowe', contact).many(3),
  customerNumber: el('NrKlienta', text256).optional(),
  buyerKey: el('IDNabywcy', buyerKey).optional(),
  jstSubordinateUnit: el('JST', yesNo).default(false),
  vatGroupMember: el('GV', yesNo).default(false),
})

/** Roles of a third party (TRolaPodmiotu3). */
const thirdPartyRole = codes({
  factor: '1',
  recipient: '2',
  originalEntity: '3',
  additionalBuyer: '4',
  issuer: '5',
  payer: '6',
  jstIssuer: '7',
  jstRecipient: '8',
  vatGroupIssuer: '9',
  vatGroupRecipient: '10',
  employee: '11',
})

/** A third party (Podmiot3): factor, recipient, payer, additional buyer, JST or VAT-group unit, ... */
export const thirdParty = obj(
  {
    buyerKey: el('IDNabywcy', buyerKey).optional(),
    eori: el('NrEORI', text256).optional(),
    $id: wrap('DaneIdentyfikacyjne', {
      id: choice({
        nip: { fields: { nip: el('NIP', nip) } },
        internal: { fields: { internalId: el('IDWew', internalId) } },
        eu: euId,
        foreign: foreignId,
        none: noId,
      }),
      name: el('Nazwa', text512).optional(),
    }),
    address: child('Adres', address).optional(),
    correspondenceAddress: child('AdresKoresp', address).optional(),
    contacts: child('DaneKontaktowe', contact).many(3),
    role: el('Rola', thirdPartyRole).optional(),
    otherRole: el('OpisRoli', text256).lead(['RolaInna', '1']).optional(),
    share: el('Udzial', percentage).optional(),
    customerNumber: el('NrKlienta', text256).optional(),
  },
  { exactlyOne: [['role', 'otherRole']] },
)

/** Contact details of the authorized party (EmailPU, TelefonPU). */
const authorizedContact = obj({
  email: emailField('EmailPU'),
  phone: el('TelefonPU', token(1, 16)).optional(),
})

/** The authorized party (PodmiotUpowazniony): enforcement authority, bailiff or tax representative. */
export const authorizedParty = obj({
  eori: el('NrEORI', text256).optional(),
  $id: wrap('DaneIdentyfikacyjne', {
    nip: el('NIP', nip),
    name: el('Nazwa', text512),
  }),
  address: child('Adres', address),
  correspondenceAddress: child('AdresKoresp', address).optional(),
  contacts: child('DaneKontaktowe', authorizedContact).many(3),
  role: el('RolaPU', codes({ enforcementAuthority: '1', bailiff: '2', taxRepresentative: '3' })),
})
