/**
 * Mapping errors that point at something a person can fix: the settings field whose expression failed, and the
 * source field a wrong value came from when the expression says so plainly.
 *
 * @module
 */
import { MappingError } from '@ksef-hub/connector-sdk'
import type jsonata from 'jsonata'
import { sourceFieldOf } from './source-field.ts'

type Segment = string | number

/** A problem zod found in a mapping's result. */
export interface ResultIssue {
  readonly path: readonly PropertyKey[]
  readonly message: string
}

/**
 * A path as text (`lines[2].unitPrice`).
 *
 * @example
 * ```ts
 * pathText(['lines', 2, 'unitPrice']) // 'lines[2].unitPrice'
 * ```
 */
export function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text === '' ? String(key) : `${text}.${String(key)}`),
    '',
  )
}

const segments = (path: readonly PropertyKey[]): Segment[] =>
  path.map((key) => (typeof key === 'number' ? key : String(key)))

/**
 * The mapping error for a result that does not have the shape its target needs.
 *
 * @param setting the settings field of the expression (`settings.mapping.expression`)
 * @example
 * ```ts
 * throw resultMismatch(parsed.error.issues, ast, 'settings.mapping.expression', 'document inv_0001')
 * ```
 */
export function resultMismatch(
  issues: readonly ResultIssue[],
  ast: jsonata.ExprNode,
  setting: string,
  label: string,
): MappingError {
  const [first] = issues
  const resultField = pathText(first?.path ?? []) || '(the result)'
  const source = first ? sourceFieldOf(ast, segments(first.path)) : undefined
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : ''
  return new MappingError(
    'FIELD_INVALID',
    source ?? resultField,
    `${label}: ${setting} gave ${resultField}${source ? ` from source field ${source}` : ''} that ${first?.message ?? 'is invalid'}${more}`,
    {
      fix: source
        ? `correct ${source} in the source system, or ${setting} if it reads the wrong field`
        : `correct ${setting} so that it gives a valid ${resultField}`,
      issues: issues.map((issue) => ({ path: pathText(issue.path), message: issue.message })),
    },
  )
}

/**
 * A mapping error of the SDK (`composeInvoice`'s `lines[2].taxCode`) with its field named in the source.
 *
 * @example
 * ```ts
 * catch (error) { throw isMappingError(error) ? inSourceTerms(error, ast) : error }
 * ```
 */
export function inSourceTerms(error: MappingError, ast: jsonata.ExprNode): MappingError {
  const path = [...error.field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((match) =>
    match[2] !== undefined ? Number(match[2]) : (match[1] as string),
  )
  const source = sourceFieldOf(ast, path)
  if (!source || source === error.field) return error
  return new MappingError(error.code, source, error.message, {
    ...(error.fix !== undefined ? { fix: error.fix } : {}),
    issues: error.issues,
  })
}

/**
 * The mapping error for an expression that failed to evaluate on a document.
 *
 * @example
 * ```ts
 * if (!result.ok) throw evaluationFailed('settings.mapping.expression', 'document inv_0001', result.problem)
 * ```
 */
export function evaluationFailed(setting: string, label: string, problem: string): MappingError {
  return new MappingError('FIELD_INVALID', setting, `${label}: ${setting} failed: ${problem}`, {
    fix: `correct ${setting} (or the source document, if a value there is not what the expression expects)`,
  })
}
