/**
 * KSeF exception codes the simulator answers with, and their official descriptions (from the `400` tables of
 * the OpenAPI).
 *
 * @module
 */

/** Exception code -> official description. */
export const EXCEPTION_CODES = {
  9101: 'Nieprawidłowy dokument.',
  9102: 'Brak podpisu.',
  9103: 'Przekroczona liczba dozwolonych podpisów.',
  9105: 'Nieprawidłowy podpis.',
  21001: 'Nieczytelna treść.',
  21111: 'Nieprawidłowe wyzwanie autoryzacyjne.',
  21115: 'Nieprawidłowy certyfikat.',
  21117: 'Nieprawidłowy identyfikator podmiotu dla wskazanego typu kontekstu.',
  21155: 'Przekroczono dozwoloną liczbę faktur w sesji.',
  21157: 'Nieprawidłowy rozmiar części pakietu.',
  21161: 'Przekroczono dozwoloną liczbę części pakietu.',
  21164: 'Faktura o podanym identyfikatorze nie istnieje.',
  21165: 'Faktura o podanym numerze KSeF nie jest jeszcze dostępna.',
  21166: 'Korekta techniczna niedostępna.',
  21167: 'Status faktury nie pozwala na korektę techniczną.',
  21173: 'Brak sesji o wskazanym numerze referencyjnym.',
  21175: 'Wynik zapytania o podanym identyfikatorze nie istnieje.',
  21178: 'Nie znaleziono UPO dla podanych kryteriów.',
  21180: 'Status sesji nie pozwala na wykonanie operacji.',
  21181: 'Nieprawidłowe żądanie eksportu faktur.',
  21182: 'Osiągnięto limit trwających eksportów.',
  21183: 'Zakres filtrowania wykracza poza dostępny zakres danych.',
  21205: 'Pakiet nie może być pusty.',
  21208: 'Czas oczekiwania na requesty upload lub finish został przekroczony.',
  21217: 'Nieprawidłowe kodowanie znaków.',
  21301: 'Brak autoryzacji.',
  21304: 'Brak uwierzytelnienia.',
  21308: 'Próba wykorzystania metod autoryzacyjnych osoby zmarłej.',
  21401: 'Dokument nie jest zgodny ze schemą (xsd).',
  21402: 'Nieprawidłowy rozmiar pliku.',
  21403: 'Nieprawidłowy skrót pliku.',
  21405: 'Błąd walidacji danych wejściowych.',
  21406: 'Konflikt podpisu i typu uwierzytelnienia.',
  21418: 'Przekazany token kontynuacji ma nieprawidłowy format.',
  21470: 'Przesłany identyfikator klucza jest nieznany lub wskazuje na wycofany klucz.',
  26001: 'Nie można nadać tokenowi uprawnień których nie posiadasz.',
  26002: 'Nie można wygenerować tokena dla obecnego typu kontekstu.',
  30001: 'Podmiot lub uprawnienie już istnieje.',
} as const

/** A KSeF exception code the simulator knows. */
export type ExceptionCode = keyof typeof EXCEPTION_CODES

/** Reason codes of 403 answers (`ForbiddenProblemDetails.reasonCode`). */
export type ForbiddenReason =
  | 'missing-permissions'
  | 'ip-not-allowed'
  | 'insufficient-resource-access'
  | 'auth-method-not-allowed'
  | 'security-service-blocked'
  | 'context-type-not-allowed'
