/**
 * Test support: FA(3) invoices written from the XSD's mandatory elements plus one line, with the parts tests
 * vary (seller, buyer, number, issue date, type).
 *
 * @module
 */

/** What a test invoice varies. */
export interface TestInvoice {
  sellerNip: string
  buyerNip?: string
  number: string
  issueDate?: string
  type?: 'VAT' | 'UPR'
  net?: string
  vat?: string
}

/**
 * Today's date in Warsaw, `YYYY-MM-DD`.
 *
 * @example
 * ```ts
 * invoiceXml({ sellerNip, number: 'FV/1', issueDate: warsawToday() })
 * ```
 */
export function warsawToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Warsaw' }).format(new Date())
}

/**
 * An FA(3) invoice document.
 *
 * @example
 * ```ts
 * const xml = invoiceXml({ sellerNip: '5265877635', number: 'FV/1' })
 * ```
 */
export function invoiceXml(invoice: TestInvoice): string {
  const issueDate = invoice.issueDate ?? warsawToday()
  const net = invoice.net ?? '100.00'
  const vat = invoice.vat ?? '23.00'
  const gross = ((Math.round(Number(net) * 100) + Math.round(Number(vat) * 100)) / 100).toFixed(2)
  return `<?xml version="1.0" encoding="UTF-8"?>
<Faktura xmlns="http://crd.gov.pl/wzor/2025/06/25/13775/">
  <Naglowek>
    <KodFormularza kodSystemowy="FA (3)" wersjaSchemy="1-0E">FA</KodFormularza>
    <WariantFormularza>3</WariantFormularza>
    <DataWytworzeniaFa>2026-01-01T10:00:00Z</DataWytworzeniaFa>
  </Naglowek>
  <Podmiot1>
    <DaneIdentyfikacyjne><NIP>${invoice.sellerNip}</NIP><Nazwa>Sprzedawca Sp. z o.o.</Nazwa></DaneIdentyfikacyjne>
    <Adres><KodKraju>PL</KodKraju><AdresL1>ul. Testowa 1, 00-001 Warszawa</AdresL1></Adres>
  </Podmiot1>
  <Podmiot2>
    <DaneIdentyfikacyjne><NIP>${invoice.buyerNip ?? '7352765225'}</NIP><Nazwa>Nabywca S.A.</Nazwa></DaneIdentyfikacyjne>
    <JST>2</JST>
    <GV>2</GV>
  </Podmiot2>
  <Fa>
    <KodWaluty>PLN</KodWaluty>
    <P_1>${issueDate}</P_1>
    <P_2>${invoice.number}</P_2>
    <P_13_1>${net}</P_13_1>
    <P_14_1>${vat}</P_14_1>
    <P_15>${gross}</P_15>
    <Adnotacje>
      <P_16>2</P_16><P_17>2</P_17><P_18>2</P_18><P_18A>2</P_18A>
      <Zwolnienie><P_19N>1</P_19N></Zwolnienie>
      <NoweSrodkiTransportu><P_22N>1</P_22N></NoweSrodkiTransportu>
      <P_23>2</P_23>
      <PMarzy><P_PMarzyN>1</P_PMarzyN></PMarzy>
    </Adnotacje>
    <RodzajFaktury>${invoice.type ?? 'VAT'}</RodzajFaktury>
    <FaWiersz>
      <NrWierszaFa>1</NrWierszaFa>
      <P_7>Usługa testowa</P_7>
      <P_8A>szt.</P_8A>
      <P_8B>1</P_8B>
      <P_9A>${net}</P_9A>
      <P_11>${net}</P_11>
      <P_12>23</P_12>
    </FaWiersz>
  </Fa>
</Faktura>
`
}
