/**
 * Terms of the transaction (WarunkiTransakcji): contracts, orders, batch numbers, delivery terms, a contractual
 * exchange rate and transport.
 *
 * @module
 */
import { child, el, flag, group, obj, wrap } from '../mapping/dsl.ts'
import { date, dateTime } from './dates.ts'
import { address, buyerIdentity } from './parties.ts'
import { codes, currencyCode, quantity, token } from './values.ts'

const text256 = token(1, 256)
const referenceDate = date('1990-01-01', '2050-01-01')
const transportTime = dateTime('2021-10-01T00:00:00Z', '2050-01-01T23:59:59Z')

const transportType = codes({
  sea: '1',
  rail: '2',
  road: '3',
  air: '4',
  post: '5',
  fixedInstallation: '7',
  inlandWaterway: '8',
})

/** Type of cargo packaging (TLadunek). */
const cargoType = codes({
  can: '1',
  barrel: '2',
  cylinder: '3',
  carton: '4',
  canister: '5',
  cage: '6',
  container: '7',
  basket: '8',
  punnet: '9',
  multipack: '10',
  parcel: '11',
  packet: '12',
  pallet: '13',
  receptacle: '14',
  solidBulkContainer: '15',
  liquidBulkContainer: '16',
  box: '17',
  tin: '18',
  crate: '19',
  sack: '20',
})

const transport = obj(
  {
    type: el('RodzajTransportu', transportType).optional(),
    otherType: el('OpisInnegoTransportu', token(1, 50)).lead(['TransportInny', '1']).optional(),
    carrier: child(
      'Przewoznik',
      obj({
        $id: wrap('DaneIdentyfikacyjne', buyerIdentity),
        address: child('AdresPrzewoznika', address),
      }),
    ).optional(),
    orderNumber: el('NrZleceniaTransportu', text256).optional(),
    cargo: el('OpisLadunku', cargoType).optional(),
    otherCargo: el('OpisInnegoLadunku', token(1, 50)).lead(['LadunekInny', '1']).optional(),
    packagingUnit: el('JednostkaOpakowania', text256).optional(),
    startedAt: el('DataGodzRozpTransportu', transportTime).optional(),
    endedAt: el('DataGodzZakTransportu', transportTime).optional(),
    shipFrom: child('WysylkaZ', address).optional(),
    shipVia: child('WysylkaPrzez', address).many(20),
    shipTo: child('WysylkaDo', address).optional(),
  },
  {
    exactlyOne: [
      ['type', 'otherType'],
      ['cargo', 'otherCargo'],
    ],
  },
)

const reference = obj({ date: el('DataUmowy', referenceDate).optional(), number: el('NrUmowy', text256).optional() })
const orderReference = obj({
  date: el('DataZamowienia', referenceDate).optional(),
  number: el('NrZamowienia', text256).optional(),
})

/** Terms of the transaction (WarunkiTransakcji). */
export const terms = obj({
  contracts: child('Umowy', reference).many(100),
  orders: child('Zamowienia', orderReference).many(100),
  batchNumbers: el('NrPartiiTowaru', text256).many(1000),
  deliveryTerms: el('WarunkiDostawy', text256).optional(),
  contractRate: group(obj({ rate: el('KursUmowny', quantity), currency: el('WalutaUmowna', currencyCode) })).optional(),
  transports: child('Transport', transport).many(20),
  intermediary: flag('PodmiotPosredniczacy'),
})
