/**
 * Test support: small valid FA(3) invoices with a chosen seller, number and date (the minimal valid sample).
 *
 * @module
 */

/**
 * Bytes of a minimal valid FA(3) invoice.
 *
 * @example
 * ```ts
 * const bytes = sampleInvoice({ sellerNip: '5265877635', number: 'FV/1/2026' })
 * ```
 */
export function sampleInvoice(options: {
  sellerNip?: string
  number: string
  issueDate?: string
  buyerNip?: string
}): Uint8Array {
  const issueDate = options.issueDate ?? new Date().toISOString().slice(0, 10)
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Faktura xmlns="http://crd.gov.pl/wzor/2025/06/25/13775/">
  <Naglowek>
    <KodFormularza kodSystemowy="FA (3)" wersjaSchemy="1-0E">FA</KodFormularza>
    <WariantFormularza>3</WariantFormularza>
    <DataWytworzeniaFa>${issueDate}T10:00:00Z</DataWytworzeniaFa>
  </Naglowek>
  <Podmiot1>
    <DaneIdentyfikacyjne><NIP>${options.sellerNip ?? '5265877635'}</NIP><Nazwa>Seller</Nazwa></DaneIdentyfikacyjne>
    <Adres><KodKraju>PL</KodKraju><AdresL1>ul. A 1, 00-001 Warszawa</AdresL1></Adres>
  </Podmiot1>
  <Podmiot2>
    <DaneIdentyfikacyjne><NIP>${options.buyerNip ?? '1111111111'}</NIP></DaneIdentyfikacyjne>
    <JST>2</JST>
    <GV>2</GV>
  </Podmiot2>
  <Fa>
    <KodWaluty>PLN</KodWaluty>
    <P_1>${issueDate}</P_1>
    <P_2>${options.number}</P_2>
    <P_15>123.00</P_15>
    <Adnotacje>
      <P_16>2</P_16><P_17>2</P_17><P_18>2</P_18><P_18A>2</P_18A>
      <Zwolnienie><P_19N>1</P_19N></Zwolnienie>
      <NoweSrodkiTransportu><P_22N>1</P_22N></NoweSrodkiTransportu>
      <P_23>2</P_23>
      <PMarzy><P_PMarzyN>1</P_PMarzyN></PMarzy>
    </Adnotacje>
    <RodzajFaktury>VAT</RodzajFaktury>
  </Fa>
</Faktura>
`
  return Buffer.from(xml, 'utf8')
}
