/**
 * The footer (Stopka) and the attachment (Zalacznik, batch sessions only).
 *
 * @module
 */
import { attr, child, el, obj } from '../mapping/dsl.ts'
import { literals, pattern, text, token } from './values.ts'

/** Footer (Stopka): free text and company registers. */
export const footer = obj({
  information: child(
    'Informacje',
    obj({ text: el('StopkaFaktury', text(1, 3500, { multiline: true })).optional() }),
  ).many(3),
  registers: child(
    'Rejestry',
    obj({
      fullName: el('PelnaNazwa', token(1, 256)).optional(),
      krs: el('KRS', pattern(/\d{10}/, 'must be a 10-digit KRS number')).optional(),
      regon: el('REGON', pattern(/\d{9}|\d{14}/, 'must be a 9- or 14-digit REGON')).optional(),
      bdo: el('BDO', token(1, 9)).optional(),
    }),
  ).many(100),
})

const keyValue = (keyXml: string, valueXml: string) =>
  obj({ key: el(keyXml, token(1, 256)), value: el(valueXml, token(1, 256)) })
const cell = token(0, 256)

const table = obj({
  metadata: child('TMetaDane', keyValue('TKlucz', 'TWartosc')).many(1000),
  description: el('Opis', token(1, 512)).optional(),
  header: child(
    'TNaglowek',
    obj({
      columns: child(
        'Kol',
        obj({
          type: attr('Typ', literals(['date', 'datetime', 'dec', 'int', 'time', 'txt'])),
          name: el('NKom', cell),
        }),
      ).list(1, 20),
    }),
  ),
  rows: child('Wiersz', obj({ cells: el('WKom', cell).list(1, 20) })).list(1, 1000),
  summary: child('Suma', obj({ cells: el('SKom', cell).list(1, 20) })).optional(),
})

/** Attachment (Zalacznik): structured data blocks. KSeF accepts it in batch sessions only, after opt-in. */
export const attachment = obj({
  blocks: child(
    'BlokDanych',
    obj({
      heading: el('ZNaglowek', token(1, 512)).optional(),
      metadata: child('MetaDane', keyValue('ZKlucz', 'ZWartosc')).list(1, 1000),
      text: child('Tekst', obj({ paragraphs: el('Akapit', token(1, 512)).list(1, 10) })).optional(),
      tables: child('Tabela', table).many(1000),
    }),
  ).list(1, 1000),
})
