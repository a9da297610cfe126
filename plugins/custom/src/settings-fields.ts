/**
 * The kinds of field the custom connector's settings are made of: JSONata expressions and `{name}` templates
 * checked when the settings are, dotted paths, header names, paths and URLs.
 *
 * @module
 */
import { z } from 'zod'
import { expressionProblem } from './expressions.ts'
import { templateProblem } from './templates.ts'

/**
 * A JSONata expression, compiled (and its regular expressions checked) when the settings are.
 *
 * @example
 * ```ts
 * const items = expression('JSONata on a page: its documents.').default('items')
 * ```
 */
export const expression = (description: string) =>
  z
    .string()
    .min(1)
    .superRefine((source, context) => {
      const problem = expressionProblem(source)
      if (problem) context.addIssue({ code: 'custom', message: `not a usable JSONata expression: ${problem}` })
    })
    .meta({ description })

// Names of letters, digits, "_" and "-" joined by dots: what webhook settings held before they took JSONata.
const DOTTED_PATH = /^[\w-]+(\.[\w-]+)*$/

/**
 * Whether a selector is a plain dotted path (`changes.documentId`), read key by key as it always was, rather than
 * a JSONata expression: a key such as `delivery-id` would be a subtraction in JSONata.
 *
 * @example
 * ```ts
 * isDottedPath('meta.delivery-id') // true
 * isDottedPath('events[type = "invoice.updated"].data.id') // false
 * ```
 */
export const isDottedPath = (selector: string): boolean => DOTTED_PATH.test(selector)

/**
 * A dotted path or, for anything else, a JSONata expression (compiled and checked when the settings are).
 *
 * @example
 * ```ts
 * const refsField = dottedPathOrExpression('The ids of the changed documents.').default('invoiceIds')
 * ```
 */
export const dottedPathOrExpression = (description: string) =>
  z
    .string()
    .min(1)
    .superRefine((source, context) => {
      const problem = isDottedPath(source) ? undefined : expressionProblem(source)
      if (problem)
        context.addIssue({ code: 'custom', message: `not a dotted path nor a usable JSONata expression: ${problem}` })
    })
    .meta({ description })

/**
 * A template whose `{name}` placeholders must be among `allowed`, and must include `required`.
 *
 * @example
 * ```ts
 * const documentPath = template(['ref'], ['ref'], "The document's path.").default('/invoices/{ref}')
 * ```
 */
export const template = (allowed: readonly string[], required: readonly string[], description: string) =>
  z
    .string()
    .superRefine((value, context) => {
      const problem = templateProblem(value, allowed, required)
      if (problem) context.addIssue({ code: 'custom', message: problem })
    })
    .meta({ description })

const HEADER = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/**
 * An HTTP header name, lower-cased (as the SDK hands webhook headers over).
 *
 * @example
 * ```ts
 * headerName('The signature header.').parse('X-Signature') // 'x-signature'
 * ```
 */
export const headerName = (description: string) =>
  z
    .string()
    .regex(HEADER, 'must be an HTTP header name')
    .transform((name) => name.toLowerCase())
    .meta({ description })

/**
 * A path appended to `baseUrl`.
 *
 * @example
 * ```ts
 * path('The list of changed documents.').default('/invoices')
 * ```
 */
export const path = (description: string) =>
  z.string().startsWith('/', 'must start with "/" (it is appended to baseUrl)').meta({ description })

/**
 * An absolute http(s) URL.
 *
 * @example
 * ```ts
 * httpUrl('Where the event is POSTed.').parse('https://erp.example.com/ksef-events')
 * ```
 */
export const httpUrl = (description: string) => z.url({ protocol: /^https?$/ }).meta({ description })
