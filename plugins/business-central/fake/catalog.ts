/**
 * What the fake's companies hold: two Polish sellers (one with its NIP written with `PL`), their customers in
 * Poland and other member states and a few consumers, products posted with W1-style VAT Prod. Posting Groups
 * (`VAT23`, `VAT8`, `VAT5`, `VAT0`, `ZW`), and a couple of suppliers. Real-looking, so that what maps here maps in
 * a tenant's BC too.
 *
 * @module
 */
import type { SalesSeries } from './documents.ts'

/** A company of the fake's tenant. */
export interface CompanyTemplate {
  readonly name: string
  readonly displayName: string
  /** The seller's NIP (valid), and how it is typed into `companyInformation.taxRegistrationNumber`. */
  readonly nip: string
  readonly taxRegistrationNumber: string
  readonly addressLine1: string
  readonly city: string
  readonly postalCode: string
  readonly email: string
  /** Its series of posted sales invoices and credit memos (two companies of one seller number apart). */
  readonly salesSeries: SalesSeries
}

export const COMPANIES: readonly CompanyTemplate[] = [
  {
    name: 'KOWALSKI DYSTRYBUCJA',
    displayName: 'Kowalski Dystrybucja sp. z o.o.',
    nip: '7792433421',
    taxRegistrationNumber: 'PL7792433421',
    addressLine1: 'ul. Składowa 12',
    city: 'Poznań',
    postalCode: '61-897',
    email: 'faktury@kowalski-dystrybucja.pl',
    salesSeries: { invoice: 'FV', creditMemo: 'FK' },
  },
  {
    name: 'NORDWIND SERWIS',
    displayName: 'Nordwind Serwis sp. z o.o.',
    nip: '5213017228',
    taxRegistrationNumber: '5213017228',
    addressLine1: 'ul. Marszałkowska 140',
    city: 'Warszawa',
    postalCode: '00-061',
    email: 'ksiegowosc@nordwind-serwis.pl',
    salesSeries: { invoice: 'FVS', creditMemo: 'FKS' },
  },
]

/** A customer before it gets its NIP. */
export interface CustomerTemplate {
  readonly displayName: string
  readonly addressLine1: string
  readonly city: string
  readonly postalCode: string
  readonly country: string
  readonly email: string
  /** In another member state: its VAT number (with the country prefix, as BC users type it). */
  readonly vatId?: string
}

export const DOMESTIC_CUSTOMERS: readonly CustomerTemplate[] = [
  {
    displayName: 'Hurtownia Elektryczna Volt sp. z o.o.',
    addressLine1: 'ul. Przemysłowa 12',
    city: 'Poznań',
    postalCode: '61-541',
    country: 'PL',
    email: 'faktury@volt-hurt.pl',
  },
  {
    displayName: 'Meble Drewmax S.A.',
    addressLine1: 'ul. Fabryczna 3',
    city: 'Białystok',
    postalCode: '15-482',
    country: 'PL',
    email: 'zakupy@drewmax.pl',
  },
  {
    displayName: 'Drukarnia Offset-Pol sp. z o.o.',
    addressLine1: 'al. Jerozolimskie 181B',
    city: 'Warszawa',
    postalCode: '02-222',
    country: 'PL',
    email: 'biuro@offsetpol.pl',
  },
  {
    displayName: 'Transport Kowalczyk i Syn sp. j.',
    addressLine1: 'ul. Magazynowa 8',
    city: 'Katowice',
    postalCode: '40-474',
    country: 'PL',
    email: 'spedycja@kowalczyk-transport.pl',
  },
  {
    displayName: 'Hotel Pod Wawelem sp. z o.o.',
    addressLine1: 'pl. Na Groblach 22',
    city: 'Kraków',
    postalCode: '31-101',
    country: 'PL',
    email: 'recepcja@podwawelem.pl',
  },
  {
    displayName: 'Centrum Medyczne Zdrowie sp. z o.o.',
    addressLine1: 'ul. Legnicka 57',
    city: 'Wrocław',
    postalCode: '54-203',
    country: 'PL',
    email: 'administracja@cm-zdrowie.pl',
  },
]

export const EU_CUSTOMERS: readonly CustomerTemplate[] = [
  {
    displayName: 'Müller Maschinenbau GmbH',
    addressLine1: 'Industriestraße 14',
    city: 'Dresden',
    postalCode: '01099',
    country: 'DE',
    email: 'einkauf@mueller-maschinenbau.de',
    vatId: 'DE811907980',
  },
  {
    displayName: 'Novák Stavby s.r.o.',
    addressLine1: 'Průmyslová 1024',
    city: 'Ostrava',
    postalCode: '70030',
    country: 'CZ',
    email: 'fakturace@novakstavby.cz',
    vatId: 'CZ27082440',
  },
]

export const CONSUMERS: readonly CustomerTemplate[] = [
  {
    displayName: 'Anna Wiśniewska',
    addressLine1: 'ul. Grunwaldzka 45/3',
    city: 'Gdańsk',
    postalCode: '80-241',
    country: 'PL',
    email: 'anna.wisniewska@poczta.onet.pl',
  },
  {
    displayName: 'Piotr Zieliński',
    addressLine1: 'ul. Ogrodowa 7',
    city: 'Łódź',
    postalCode: '91-062',
    country: 'PL',
    email: 'p.zielinski@wp.pl',
  },
]

/** A product, with its line type, number and VAT Prod. Posting Group. */
export interface Product {
  readonly description: string
  readonly lineType: 'Item' | 'Resource' | 'Account'
  readonly number: string
  readonly unit: string
  /** Net price (decimal string). */
  readonly price: string
  readonly taxCode: 'VAT23' | 'VAT8' | 'VAT5' | 'VAT0' | 'ZW' | 'VAT22'
  readonly fractional?: boolean
}

export const DOMESTIC_PRODUCTS: readonly Product[] = [
  {
    description: 'Wdrożenie modułu magazynowego ERP',
    lineType: 'Resource',
    number: 'KONSULTANT',
    unit: 'GODZ',
    price: '180.00',
    taxCode: 'VAT23',
    fractional: true,
  },
  {
    description: 'Przewód YDYp 3x2,5 mm² 450/750V',
    lineType: 'Item',
    number: '1000-KAB-325',
    unit: 'M',
    price: '4.87',
    taxCode: 'VAT23',
    fractional: true,
  },
  {
    description: 'Laptop Dell Latitude 5550, 16 GB RAM',
    lineType: 'Item',
    number: '1000-DELL-5550',
    unit: 'SZT',
    price: '4899.00',
    taxCode: 'VAT23',
  },
  {
    description: 'Usługa noclegowa – pokój dwuosobowy',
    lineType: 'Resource',
    number: 'NOCLEG',
    unit: 'DOBA',
    price: '320.00',
    taxCode: 'VAT8',
  },
  {
    description: 'Podręcznik „Rachunkowość w praktyce” (druk)',
    lineType: 'Item',
    number: '1000-KSIAZKA',
    unit: 'SZT',
    price: '89.00',
    taxCode: 'VAT5',
  },
  {
    description: 'Pieczywo mieszane – dostawa tygodniowa',
    lineType: 'Item',
    number: '1000-PIECZYWO',
    unit: 'KG',
    price: '12.40',
    taxCode: 'VAT5',
    fractional: true,
  },
]

/** Financial and medical services exempt under art. 43 ust. 1 (tax code `ZW`). */
export const EXEMPT_PRODUCTS: readonly Product[] = [
  {
    description: 'Szkolenie zawodowe BHP (usługa zwolniona)',
    lineType: 'Resource',
    number: 'SZKOLENIE',
    unit: 'USŁ',
    price: '750.00',
    taxCode: 'ZW',
  },
]

/** Goods shipped to another member state (intra-EU supply at 0 %, tax code `VAT0`). */
export const EU_PRODUCTS: readonly Product[] = [
  {
    description: 'Regał magazynowy RM-200 (WDT)',
    lineType: 'Item',
    number: '1000-REGAL',
    unit: 'SZT',
    price: '310.00',
    taxCode: 'VAT0',
  },
  {
    description: 'Moduł sterujący PLC S7 (WDT)',
    lineType: 'Item',
    number: '1000-PLC-S7',
    unit: 'SZT',
    price: '1240.00',
    taxCode: 'VAT0',
  },
]

/** A product still posted with a pre-2011 group the connection's table leaves out. */
export const UNMAPPED_PRODUCT: Product = {
  description: 'Serwis urządzeń – stawka archiwalna',
  lineType: 'Resource',
  number: 'SERWIS',
  unit: 'USŁ',
  price: '200.00',
  taxCode: 'VAT22',
}

/** Suppliers every company starts with. */
export const VENDORS: readonly {
  readonly displayName: string
  readonly nip: string
  readonly written: string
  readonly city: string
}[] = [
  { displayName: 'Biuro Rachunkowe Bilans sp. z o.o.', nip: '5265877635', written: 'PL5265877635', city: 'Łódź' },
  { displayName: 'Energa-Obrót S.A.', nip: '9512345675', written: '9512345675', city: 'Gdańsk' },
]

/**
 * The connector's tax table for the fake's codes (source code -> FA(3) `P_12`); `VAT22` is left out on purpose.
 * `ZW` carries its legal basis.
 */
export const FAKE_TAX_CODES = {
  VAT23: '23',
  VAT8: '8',
  VAT5: '5',
  VAT0: '0 WDT',
  ZW: { rate: 'zw', exemption: { kind: 'polishLaw', basis: 'art. 43 ust. 1 pkt 29 lit. b ustawy o VAT' } },
} as const

/** The day the fake's sellers entered KSeF: invoices before it were issued outside KSeF. */
export const FAKE_KSEF_START_DATE = '2026-02-01'
