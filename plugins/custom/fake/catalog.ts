/**
 * What the fake source's documents are made of: Polish B2B customers (and a few in other member states), products
 * with the ERP's tax codes, and the legal basis of exempt services. Real-looking, so that what maps here maps in a
 * tenant's ERP too.
 *
 * @module
 */
import type { FakeAddress } from './types.ts'

/** A customer before it gets its NIP (drawn per fake, valid by checksum). */
export interface CustomerTemplate {
  readonly name: string
  readonly email: string
  readonly address: FakeAddress
  /** In another member state: its EU VAT number; it buys in EUR with intra-EU supply (WDT). */
  readonly vatId?: string
}

export const DOMESTIC_CUSTOMERS: readonly CustomerTemplate[] = [
  {
    name: 'Hurtownia Elektryczna Volt sp. z o.o.',
    email: 'faktury@volt-hurt.pl',
    address: { street: 'ul. Przemysłowa 12', postalCode: '61-541', city: 'Poznań', country: 'PL' },
  },
  {
    name: 'Biuro Rachunkowe Bilans sp. z o.o.',
    email: 'ksiegowosc@bilans.com.pl',
    address: { street: 'ul. Piotrkowska 104 lok. 7', postalCode: '90-926', city: 'Łódź', country: 'PL' },
  },
  {
    name: 'Meble Drewmax S.A.',
    email: 'zakupy@drewmax.pl',
    address: { street: 'ul. Fabryczna 3', postalCode: '15-482', city: 'Białystok', country: 'PL' },
  },
  {
    name: 'Drukarnia Offset-Pol sp. z o.o.',
    email: 'biuro@offsetpol.pl',
    address: { street: 'al. Jerozolimskie 181B', postalCode: '02-222', city: 'Warszawa', country: 'PL' },
  },
  {
    name: 'Piekarnia Złoty Kłos Anna Wiśniewska',
    email: 'zlotyklos@poczta.onet.pl',
    address: { street: 'ul. Grunwaldzka 45', postalCode: '80-241', city: 'Gdańsk', country: 'PL' },
  },
  {
    name: 'Transport Kowalczyk i Syn sp. j.',
    email: 'spedycja@kowalczyk-transport.pl',
    address: { street: 'ul. Magazynowa 8', postalCode: '40-474', city: 'Katowice', country: 'PL' },
  },
  {
    name: 'Hotel Pod Wawelem sp. z o.o.',
    email: 'recepcja@podwawelem.pl',
    address: { street: 'pl. Na Groblach 22', postalCode: '31-101', city: 'Kraków', country: 'PL' },
  },
  {
    name: 'Centrum Medyczne Zdrowie sp. z o.o.',
    email: 'administracja@cm-zdrowie.pl',
    address: { street: 'ul. Legnicka 57', postalCode: '54-203', city: 'Wrocław', country: 'PL' },
  },
]

export const EU_CUSTOMERS: readonly CustomerTemplate[] = [
  {
    name: 'Müller Maschinenbau GmbH',
    email: 'einkauf@mueller-maschinenbau.de',
    address: { street: 'Industriestraße 14', postalCode: '01099', city: 'Dresden', country: 'DE' },
    vatId: 'DE811907980',
  },
  {
    name: 'Novák Stavby s.r.o.',
    email: 'fakturace@novakstavby.cz',
    address: { street: 'Průmyslová 1024', postalCode: '70030', city: 'Ostrava', country: 'CZ' },
    vatId: 'CZ27082440',
  },
  {
    name: 'Van Dijk Logistics B.V.',
    email: 'accounts@vandijk-logistics.nl',
    address: { street: 'Havenweg 7', postalCode: '3089 JB', city: 'Rotterdam', country: 'NL' },
    vatId: 'NL853746333B01',
  },
]

/** A product of the seller's catalogue. */
export interface Product {
  readonly description: string
  readonly sku: string
  readonly unit: string
  /** Net price (decimal string). */
  readonly price: string
  readonly taxCode: 'VAT23' | 'VAT8' | 'VAT5' | 'WDT0' | 'ZW' | 'NP'
  /** Whether quantities come in fractions (hours, metres). */
  readonly fractional?: boolean
}

export const DOMESTIC_PRODUCTS: readonly Product[] = [
  {
    description: 'Wdrożenie modułu magazynowego ERP',
    sku: 'USL-WDR-01',
    unit: 'godz.',
    price: '180.00',
    taxCode: 'VAT23',
    fractional: true,
  },
  {
    description: 'Licencja oprogramowania – abonament miesięczny',
    sku: 'LIC-ABO-M',
    unit: 'szt.',
    price: '349.00',
    taxCode: 'VAT23',
  },
  {
    description: 'Przewód YDYp 3x2,5 mm² 450/750V',
    sku: 'KAB-YDYP-325',
    unit: 'm',
    price: '4.87',
    taxCode: 'VAT23',
    fractional: true,
  },
  {
    description: 'Laptop Dell Latitude 5550, 16 GB RAM',
    sku: 'IT-DELL-5550',
    unit: 'szt.',
    price: '4299.00',
    taxCode: 'VAT23',
  },
  {
    description: 'Papier ksero A4 80 g/m², karton 5 ryz',
    sku: 'BIU-A4-5R',
    unit: 'karton',
    price: '89.90',
    taxCode: 'VAT23',
  },
  {
    description: 'Remont lokalu mieszkalnego – roboty wykończeniowe',
    sku: 'BUD-REM-01',
    unit: 'usł.',
    price: '12500.00',
    taxCode: 'VAT8',
  },
  {
    description: 'Usługa noclegowa – pokój dwuosobowy',
    sku: 'HOT-NOC-2',
    unit: 'doba',
    price: '320.00',
    taxCode: 'VAT8',
  },
  { description: 'Catering – obiad firmowy', sku: 'GAS-OBIAD', unit: 'os.', price: '65.00', taxCode: 'VAT8' },
  { description: 'Chleb żytni na zakwasie 800 g', sku: 'PIE-ZYT-800', unit: 'szt.', price: '9.50', taxCode: 'VAT5' },
  {
    description: 'Książka „Rachunkowość finansowa w praktyce”',
    sku: 'KSI-RACH-01',
    unit: 'szt.',
    price: '119.00',
    taxCode: 'VAT5',
  },
]

/**
 * The legal basis the seller's tax code `ZW` stands for (medical services): its ERP prints it on every exempt
 * invoice unless the document names another, so the connection's tax table carries it too.
 */
export const ZW_BASIS = 'art. 43 ust. 1 pkt 18 ustawy o VAT'

/** Exempt services; `basis` when it is not the one `ZW` stands for (the document then names it, P_19A). */
export const EXEMPT_PRODUCTS: readonly (Product & { readonly basis?: string })[] = [
  {
    description: 'Szkolenie zawodowe „Kadry i płace 2026” finansowane ze środków publicznych',
    sku: 'SZK-KIP-26',
    unit: 'os.',
    price: '890.00',
    taxCode: 'ZW',
    basis: 'art. 43 ust. 1 pkt 29 lit. c ustawy o VAT',
  },
  {
    description: 'Badania okresowe pracowników – medycyna pracy',
    sku: 'MED-BAD-OKR',
    unit: 'os.',
    price: '150.00',
    taxCode: 'ZW',
  },
]

/** Goods shipped to buyers in other member states (intra-EU supply, 0 %), priced in EUR. */
export const EU_PRODUCTS: readonly Product[] = [
  {
    description: 'Paleta drewniana EUR 1200x800 mm',
    sku: 'PAL-EUR-1208',
    unit: 'szt.',
    price: '11.40',
    taxCode: 'WDT0',
  },
  {
    description: 'Wrzeciono obrabiarki CNC – część zamienna',
    sku: 'CNC-WRZ-40',
    unit: 'szt.',
    price: '1275.00',
    taxCode: 'WDT0',
  },
  {
    description: 'Okno PCV 1465x1435 mm, dwuskrzydłowe',
    sku: 'OKN-PCV-1465',
    unit: 'szt.',
    price: '268.50',
    taxCode: 'WDT0',
  },
]

/** Services to domestic buyers priced in EUR (VAT due, shown in PLN at the exchange rate). */
export const EUR_DOMESTIC_PRODUCTS: readonly Product[] = [
  {
    description: 'Konsultacje wdrożeniowe – zespół zagraniczny',
    sku: 'USL-KONS-EUR',
    unit: 'godz.',
    price: '95.00',
    taxCode: 'VAT23',
    fractional: true,
  },
  {
    description: 'Subskrypcja platformy analitycznej – roczna',
    sku: 'LIC-ANL-Y',
    unit: 'szt.',
    price: '2400.00',
    taxCode: 'VAT23',
  },
]

/** A service whose tax code the connection's tax table leaves out (not taxable in Poland). */
export const UNMAPPED_PRODUCT: Product = {
  description: 'Usługa doradcza świadczona poza terytorium kraju',
  sku: 'USL-NP-01',
  unit: 'usł.',
  price: '2000.00',
  taxCode: 'NP',
}

/** The seller's bank account (NRB), on every invoice. */
export const SELLER_ACCOUNT = '61109010140000071219812874'

/** The seller as the fake's documents do not carry it: the connection's `seller` setting. */
export const FAKE_SELLER = {
  name: 'Przykładowa Firma Handlowa sp. z o.o.',
  address: { countryCode: 'PL', line1: 'ul. Marszałkowska 142', line2: '00-061 Warszawa' },
} as const

/** The tax table for the fake's codes (`NP` deliberately left out); the exempt code with its legal basis. */
export const FAKE_TAX_CODES = {
  VAT23: '23',
  VAT8: '8',
  VAT5: '5',
  WDT0: '0 WDT',
  ZW: { rate: 'zw', exemption: { kind: 'polishLaw', basis: ZW_BASIS } },
} as const

/**
 * The day the seller started issuing its invoices in KSeF (when the obligation began for the largest taxpayers):
 * what it issued before was issued outside KSeF, and a credit note of such an invoice says so (NrKSeFN).
 */
export const FAKE_KSEF_START_DATE = '2026-02-01'

/** Reasons credit notes give. */
export const CORRECTION_REASONS = ['Zwrot towaru', 'Rabat posprzedażowy', 'Błędna ilość na fakturze'] as const
