/**
 * HubSpot's company `country` is free text ("Poland", "Polska", "PL", "Deutschland"): read as an ISO 3166 code
 * from the code itself or the country's name in English, Polish or its neighbours' languages (Intl's region names).
 *
 * @module
 */

const LANGUAGES = ['en', 'pl', 'de', 'fr', 'es', 'it', 'nl', 'cs', 'sk', 'uk']
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
// Regions Intl names that are no country (the EU, the UN, the unknown region, pseudo-locales).
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ'])

let codes: string[] | undefined

/** The countries' current codes: Intl also names withdrawn ones ("Germany" is DD too), which it maps to current ones. */
function countryCodes(): string[] {
  const english = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' })
  codes ??= [...LETTERS].flatMap((first) =>
    [...LETTERS].flatMap((second) => {
      const code = `${first}${second}`
      if (NOT_COUNTRIES.has(code)) return []
      const canonical = Intl.getCanonicalLocales(`und-${code}`)[0]
      const named = english.of(code)
      return canonical === `und-${code}` && named && named !== code && named !== 'Unknown Region' ? [code] : []
    }),
  )
  return codes
}

let names: Map<string, string> | undefined

function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .toLowerCase()
}

/** Every region's names in the languages above, folded, to its code. */
function regionNames(): Map<string, string> {
  if (names) return names
  const table = new Map<string, string>()
  const displays = LANGUAGES.map((language) => new Intl.DisplayNames([language], { type: 'region', fallback: 'none' }))
  for (const code of countryCodes()) {
    for (const display of displays) {
      const name = display.of(code)
      if (name && name !== code && !table.has(fold(name))) table.set(fold(name), code)
    }
  }
  // Common forms Intl does not give.
  for (const [name, code] of [
    ['usa', 'US'],
    ['uk', 'GB'],
    ['great britain', 'GB'],
    ['england', 'GB'],
    ['czech republic', 'CZ'],
    ['holland', 'NL'],
    ['rzeczpospolita polska', 'PL'],
  ] as const) {
    table.set(name, code)
  }
  names = table
  return table
}

/**
 * The ISO 3166 alpha-2 code of a country as HubSpot holds it; `undefined` when it names none.
 *
 * @example
 * ```ts
 * countryCodeOf('Polska') // 'PL'
 * countryCodeOf('Germany') // 'DE'
 * countryCodeOf('pl') // 'PL'
 * ```
 */
export function countryCodeOf(value: string | null | undefined): string | undefined {
  const text = value?.trim()
  if (!text) return undefined
  if (/^[A-Za-z]{2}$/.test(text)) {
    const code = text.toUpperCase() === 'UK' ? 'GB' : text.toUpperCase()
    return countryCodes().includes(code) ? code : undefined
  }
  return regionNames().get(fold(text))
}
