/**
 * The kinds of field the custom connector's settings are made of: JSONata expressions and `{name}` templates
 * checked when the settings are, header names, paths and URLs.
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
