/**
 * Form codes declared when a session opens (FACTS.md §4).
 *
 * @module
 */

/** `FormCode` of the API. */
export interface FormCode {
  readonly systemCode: string
  readonly schemaVersion: string
  readonly value: string
}

/**
 * FA(3), note the space in `FA (3)`.
 *
 * @example
 * ```ts
 * openOnlineSession(http, keys, { formCode: FA3_FORM })
 * ```
 */
export const FA3_FORM: FormCode = { systemCode: 'FA (3)', schemaVersion: '1-0E', value: 'FA' }
