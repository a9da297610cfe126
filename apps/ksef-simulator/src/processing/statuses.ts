/**
 * Status codes and descriptions of invoices and sessions, as the OpenAPI tables word them.
 *
 * @module
 */
import type { InvoiceStatus } from '../store/invoice-store.ts'
import type { Status } from '../store/session-store.ts'

/** Invoice statuses. */
export const INVOICE_STATUS = {
  accepted: { code: 100, description: 'Faktura przyjęta do dalszego przetwarzania' },
  processing: { code: 150, description: 'Trwa przetwarzanie' },
  success: { code: 200, description: 'Sukces' },
  sessionError: (detail: string): InvoiceStatus => ({
    code: 405,
    description: 'Przetwarzanie anulowane z powodu błędu sesji',
    details: [detail],
  }),
  permission: (detail: string): InvoiceStatus => ({
    code: 410,
    description: 'Nieprawidłowy zakres uprawnień',
    details: [detail],
  }),
  attachment: (detail: string): InvoiceStatus => ({
    code: 415,
    description: 'Brak możliwości wysyłania faktury z załącznikiem',
    details: [detail],
  }),
  file: (details: string[]): InvoiceStatus => ({ code: 430, description: 'Błąd weryfikacji pliku faktury', details }),
  decryption: (detail: string): InvoiceStatus => ({
    code: 435,
    description: 'Błąd odszyfrowania pliku',
    details: [detail],
  }),
  duplicate: (ksefNumber: string, sessionReference: string | undefined): InvoiceStatus => ({
    code: 440,
    description: 'Duplikat faktury',
    details: [
      `Duplikat faktury. Faktura o numerze KSeF: ${ksefNumber} została już prawidłowo przesłana do systemu${sessionReference ? ` w sesji: ${sessionReference}` : ''}`,
    ],
    extensions: { originalSessionReferenceNumber: sessionReference ?? '', originalKsefNumber: ksefNumber },
  }),
  semantic: (details: string[]): InvoiceStatus => ({
    code: 450,
    description: 'Błąd weryfikacji semantyki dokumentu faktury',
    details,
  }),
  unknown: (detail: string): InvoiceStatus => ({ code: 500, description: 'Nieznany błąd (500)', details: [detail] }),
  cancelled: {
    code: 550,
    description: 'Operacja została anulowana przez system',
    details: ['Przetwarzanie zostało przerwane z przyczyn wewnętrznych systemu. Spróbuj ponownie'],
  },
} as const

/** Online session statuses. */
export const ONLINE_SESSION_STATUS = {
  open: { code: 100, description: 'Sesja interaktywna otwarta' },
  closed: { code: 170, description: 'Sesja interaktywna zamknięta' },
  success: { code: 200, description: 'Sesja interaktywna przetworzona pomyślnie' },
  keyError: { code: 415, description: 'Błąd odszyfrowania dostarczonego klucza' },
  noInvoices: { code: 440, description: 'Sesja anulowana', details: ['Nie przesłano faktur'] },
  noValidInvoices: { code: 445, description: 'Błąd weryfikacji, brak poprawnych faktur' },
} as const satisfies Record<string, Status>

/** Batch session statuses. */
export const BATCH_SESSION_STATUS = {
  started: { code: 100, description: 'Sesja wsadowa rozpoczęta' },
  processing: { code: 150, description: 'Trwa przetwarzanie' },
  success: { code: 200, description: 'Sesja wsadowa przetworzona pomyślnie' },
  packageError: (detail: string): Status => ({
    code: 405,
    description: 'Błąd weryfikacji poprawności dostarczonych elementów paczki',
    details: [detail],
  }),
  keyError: { code: 415, description: 'Błąd odszyfrowania dostarczonego klucza' },
  tooManyInvoices: (detail: string): Status => ({
    code: 420,
    description: 'Przekroczony limit faktur w sesji',
    details: [detail],
  }),
  decompression: (detail: string): Status => ({
    code: 430,
    description: 'Błąd dekompresji pierwotnego archiwum',
    details: [detail],
  }),
  partDecryption: (detail: string): Status => ({
    code: 435,
    description: 'Błąd odszyfrowania zaszyfrowanych części archiwum',
    details: [detail],
  }),
  uploadTimeout: { code: 440, description: 'Sesja anulowana', details: ['Przekroczono czas wysyłki'] },
  noInvoices: { code: 440, description: 'Sesja anulowana', details: ['Nie przesłano faktur'] },
  noValidInvoices: { code: 445, description: 'Błąd weryfikacji, brak poprawnych faktur' },
} as const
