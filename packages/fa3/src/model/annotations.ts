/**
 * Adnotacje: the statements every FA(3) invoice makes (cash accounting, self-billing, reverse charge, split
 * payment, exemption, new means of transport, simplified triangular procedure, margin scheme).
 *
 * @module
 */
import { child, choice, el, group, obj, tags, wrap } from '../mapping/dsl.ts'
import { date } from './dates.ts'
import { positiveInteger, token, yesNo } from './values.ts'

const text256 = token(1, 256)

/** One new means of transport supplied intra-EU (NowySrodekTransportu). */
const newVehicle = obj({
  approvalDate: el('P_22A', date('2006-01-01', '2050-01-01')),
  lineNumber: el('P_NrWierszaNST', positiveInteger),
  make: el('P_22BMK', text256).optional(),
  model: el('P_22BMD', text256).optional(),
  color: el('P_22BK', text256).optional(),
  registrationNumber: el('P_22BNR', text256).optional(),
  productionYear: el('P_22BRP', text256).optional(),
  vehicle: choice({
    land: {
      fields: {
        mileage: el('P_22B', text256),
        vin: el('P_22B1', text256).optional(),
        bodyNumber: el('P_22B2', text256).optional(),
        chassisNumber: el('P_22B3', text256).optional(),
        frameNumber: el('P_22B4', text256).optional(),
        type: el('P_22BT', text256).optional(),
      },
      // P_22B1..P_22B4 are an optional xsd:choice: a land vehicle names at most one of its numbers.
      rules: { atMostOne: [['vin', 'bodyNumber', 'chassisNumber', 'frameNumber']] },
    },
    water: { fields: { operatingHours: el('P_22C', text256), hullNumber: el('P_22C1', text256).optional() } },
    air: { fields: { operatingHours: el('P_22D', text256), serialNumber: el('P_22D1', text256).optional() } },
  }),
})

const newMeansOfTransport = obj({
  art42Obligation: el('P_42_5', yesNo),
  vehicles: child('NowySrodekTransportu', newVehicle).list(1, 10_000),
})

/** Invoice annotations (Adnotacje). Every statement defaults to "no". */
export const annotations = obj({
  cashAccounting: el('P_16', yesNo).default(false),
  selfBilling: el('P_17', yesNo).default(false),
  reverseCharge: el('P_18', yesNo).default(false),
  splitPayment: el('P_18A', yesNo).default(false),
  $exemption: wrap('Zwolnienie', {
    exemption: choice({
      polishLaw: { lead: [['P_19', '1']], fields: { basis: el('P_19A', text256) } },
      directive: { lead: [['P_19', '1']], fields: { basis: el('P_19B', text256) } },
      other: { lead: [['P_19', '1']], fields: { basis: el('P_19C', text256) } },
    }).optional([['P_19N', '1']]),
  }),
  $newTransport: wrap('NoweSrodkiTransportu', {
    newTransport: group(newMeansOfTransport)
      .lead(['P_22', '1'])
      .optional([['P_22N', '1']]),
  }),
  simplifiedTriangular: el('P_23', yesNo).default(false),
  $margin: wrap('PMarzy', {
    marginScheme: tags({
      travelAgency: [
        ['P_PMarzy', '1'],
        ['P_PMarzy_2', '1'],
      ],
      usedGoods: [
        ['P_PMarzy', '1'],
        ['P_PMarzy_3_1', '1'],
      ],
      worksOfArt: [
        ['P_PMarzy', '1'],
        ['P_PMarzy_3_2', '1'],
      ],
      antiques: [
        ['P_PMarzy', '1'],
        ['P_PMarzy_3_3', '1'],
      ],
    }).optional([['P_PMarzyN', '1']]),
  }),
})
