/**
 * The `{name}` templates of the settings (paths, query values, the signed content of a webhook): the only
 * placeholders are the ones the connector fills, so a typo is refused with the settings, not sent to the source.
 *
 * @module
 */

const PLACEHOLDER = /\{([^{}]*)\}/g

/**
 * Why a template cannot be used, or `undefined`.
 *
 * @example
 * ```ts
 * templateProblem('/invoices/{id}', ['ref'], ['ref']) // 'unknown placeholder {id}; use {ref}'
 * ```
 */
export function templateProblem(
  template: string,
  allowed: readonly string[],
  required: readonly string[],
): string | undefined {
  const used = [...template.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '')
  const unknown = used.find((name) => !allowed.includes(name))
  const list = allowed.map((name) => `{${name}}`).join(', ')
  if (unknown !== undefined) return `unknown placeholder {${unknown}}; use ${list}`
  const missing = required.find((name) => !used.includes(name))
  if (missing !== undefined) return `the template must contain {${missing}}`
  return undefined
}

/**
 * Fills a template; `undefined` when it uses a value that is not known (a query parameter is then left out).
 *
 * @param encode how a value is written (a path segment is percent-encoded)
 * @example
 * ```ts
 * fill('/invoices/{ref}', { ref: 'FV 1/2' }, encodeURIComponent) // '/invoices/FV%201%2F2'
 * fill('{page}', { page: undefined }) // undefined
 * ```
 */
export function fill(
  template: string,
  values: Readonly<Record<string, string | undefined>>,
  encode: (value: string) => string = (value) => value,
): string | undefined {
  let complete = true
  const filled = template.replace(PLACEHOLDER, (_, name: string) => {
    const value = values[name]
    if (value === undefined) complete = false
    return value === undefined ? '' : encode(value)
  })
  return complete ? filled : undefined
}
