/**
 * Why an invoice was rejected, in plain Polish and English, for accountants (the technical details stay beside
 * it for whoever fixes the data).
 *
 * @module
 */

/** A reason in both languages. */
export interface Reason {
  readonly pl: string
  readonly en: string
}

const KSEF_REASONS: Readonly<Record<number, Reason>> = {
  405: {
    pl: 'Przetwarzanie przerwane z powodu błędu sesji; faktura zostanie wysłana ponownie.',
    en: 'Processing stopped because of a session error; the invoice will be sent again.',
  },
  410: {
    pl: 'Wysyłający nie ma uprawnień do wystawiania faktur w imieniu tego sprzedawcy.',
    en: 'The sender is not permitted to issue invoices for this seller.',
  },
  415: {
    pl: 'Faktura zawiera załącznik, a podatnik nie ma zgody na wysyłanie faktur z załącznikami.',
    en: 'The invoice has an attachment, which this taxpayer is not allowed to send.',
  },
  430: {
    pl: 'Plik faktury jest niezgodny ze schematem FA(3).',
    en: 'The invoice file does not match the FA(3) schema.',
  },
  435: {
    pl: 'KSeF nie mógł odszyfrować faktury.',
    en: 'KSeF could not decrypt the invoice.',
  },
  440: {
    pl: 'Faktura o tym numerze, rodzaju i NIP sprzedawcy jest już w KSeF.',
    en: 'An invoice with this number, type and seller NIP is already in KSeF.',
  },
  450: {
    pl: 'Faktura ma błędy merytoryczne (np. data wystawienia późniejsza niż data przyjęcia, błędny NIP).',
    en: 'The invoice has semantic errors (e.g. an issue date after the day it was received, an invalid NIP).',
  },
  500: {
    pl: 'Nieznany błąd KSeF.',
    en: 'An unknown KSeF error.',
  },
  550: {
    pl: 'KSeF anulował przetwarzanie; faktura zostanie wysłana ponownie.',
    en: 'KSeF cancelled the processing; the invoice will be sent again.',
  },
}

/**
 * The reason for a KSeF invoice status code.
 *
 * @example
 * ```ts
 * ksefReason(430).en // 'The invoice file does not match the FA(3) schema.'
 * ```
 */
export function ksefReason(code: number): Reason {
  return (
    KSEF_REASONS[code] ?? {
      pl: `KSeF odrzucił fakturę (kod ${code}).`,
      en: `KSeF rejected the invoice (code ${code}).`,
    }
  )
}

/**
 * The reason when the hub's own checks (XSD and business rules) refused an invoice before sending it.
 *
 * @example
 * ```ts
 * hubValidationReason('P_15 is 2151, but the totals sum to 2050.99')
 * ```
 */
export function hubValidationReason(firstFinding: string): Reason {
  return {
    pl: `Faktura nie przeszła kontroli przed wysłaniem do KSeF: ${firstFinding}`,
    en: `The invoice failed the checks before it was sent to KSeF: ${firstFinding}`,
  }
}
