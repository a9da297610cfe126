/**
 * JSONata expressions from a tenant file, compiled once and evaluated within bounds. JSONata runs in the worker's
 * own thread, so an expression that loops or recurses for ever would hang the worker: every evaluation runs with
 * jsonata's guardrails (a time limit, a stack depth and a sequence length, checked at every step), regular
 * expressions that can backtrack exponentially are refused (at settings time for literals, at run time for those
 * `$eval` builds), and a result larger than a document may be is refused.
 *
 * @module
 */
import jsonata from 'jsonata'
import safeRegex from 'safe-regex2'

/** The bounds every evaluation runs within. */
export const EXPRESSION_LIMITS = {
  /** Time for one evaluation (a mapping of one document takes a few milliseconds). */
  timeoutMs: 1_000,
  /** Nested evaluation depth (deep enough for any mapping, too shallow for runaway recursion). */
  stack: 500,
  /** The longest sequence an expression may build (a page of 1,000 documents with 100 lines each). */
  sequence: 100_000,
  /** The largest result, as JSON (the hub keeps a source document up to 1 MB). */
  resultBytes: 2 * 1024 * 1024,
  /** The longest expression a tenant file may hold. */
  sourceChars: 20_000,
} as const

/**
 * Regular expressions reach JSONata only through this class: one whose star height says it can backtrack
 * exponentially (`/(a+)+$/`) is refused before it runs on a document.
 */
class BoundedRegExp extends RegExp {
  constructor(pattern: string | RegExp, flags?: string) {
    if (!safeRegex(pattern)) {
      throw new Error(
        `the regular expression /${typeof pattern === 'string' ? pattern : pattern.source}/ may take exponential time`,
      )
    }
    super(pattern, flags)
  }
}

const OPTIONS = {
  timeout: EXPRESSION_LIMITS.timeoutMs,
  stack: EXPRESSION_LIMITS.stack,
  sequence: EXPRESSION_LIMITS.sequence,
  RegexEngine: BoundedRegExp as RegExpConstructor,
}

/** A JSONata failure as jsonata reports it (plain objects, not always `Error`s). */
interface JsonataFailure {
  readonly code?: string
  readonly message?: string
  readonly position?: number
  readonly token?: string
}

function describe(error: unknown): string {
  const failure = (error ?? {}) as JsonataFailure
  const where = typeof failure.position === 'number' && failure.position > 0 ? ` at position ${failure.position}` : ''
  const code = failure.code ? ` (${failure.code})` : ''
  return `${failure.message ?? String(error)}${where}${code}`
}

/** Every regular expression literal of a parsed expression (they sit in the AST as `RegExp` values). */
function regexLiterals(node: unknown, found: RegExp[] = [], seen = new Set<unknown>()): RegExp[] {
  if (node instanceof RegExp) found.push(node)
  else if (node !== null && typeof node === 'object' && !seen.has(node)) {
    seen.add(node)
    for (const value of Object.values(node)) regexLiterals(value, found, seen)
  }
  return found
}

// Settings are parsed for every piece of a connection's work: an expression is compiled once per process.
const compiled = new Map<string, jsonata.Expression>()
const MAX_CACHED = 500

function compile(source: string): jsonata.Expression {
  const cached = compiled.get(source)
  if (cached) return cached
  const expression = jsonata(source, OPTIONS)
  const unsafe = regexLiterals(expression.ast()).find((pattern) => !safeRegex(pattern))
  if (unsafe) throw new Error(`the regular expression /${unsafe.source}/ may take exponential time`)
  if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value as string)
  compiled.set(source, expression)
  return expression
}

/**
 * Why an expression cannot be used, or `undefined` when it can (for the settings schema: a tenant file with a
 * broken expression is refused when the connection is created, not when the first document arrives).
 *
 * @example
 * ```ts
 * expressionProblem('items[') // 'Expected "]" before end of expression at position 6 (S0203)'
 * expressionProblem('items') // undefined
 * ```
 */
export function expressionProblem(source: string): string | undefined {
  if (source.length > EXPRESSION_LIMITS.sourceChars) {
    return `the expression is ${source.length} characters; at most ${EXPRESSION_LIMITS.sourceChars} are allowed`
  }
  try {
    compile(source)
    return undefined
  } catch (error) {
    return describe(error)
  }
}

/**
 * An expression's AST (for naming the source field a mapped value came from).
 *
 * @example
 * ```ts
 * sourceFieldOf(expressionAst('{ "number": doc.no }'), ['number']) // 'doc.no'
 * ```
 */
export function expressionAst(source: string): jsonata.ExprNode {
  return compile(source).ast()
}

/** What an evaluation gave: plain JSON (jsonata's sequences unwrapped), or why it failed. */
export type Evaluation =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly problem: string }

/**
 * Evaluates an expression on a JSON input within {@link EXPRESSION_LIMITS}. Never throws: the caller turns a
 * failure into its own error (a mapping error on a document, a pull or write-back error on the connection).
 *
 * @param bindings variables the expression reads as `$name`
 * @example
 * ```ts
 * const result = await evaluate('items', page, {})
 * if (!result.ok) throw new ConnectorError('validation', `settings.pull.items: ${result.problem}`)
 * ```
 */
export async function evaluate(
  source: string,
  input: unknown,
  bindings: Readonly<Record<string, unknown>> = {},
): Promise<Evaluation> {
  let value: unknown
  try {
    value = await compile(source).evaluate(input, { ...bindings })
  } catch (error) {
    return { ok: false, problem: describe(error) }
  }
  if (value === undefined) return { ok: true, value: undefined }
  // JSONata's results carry sequence flags and may hold functions: JSON is what the hub stores and sends.
  const json = JSON.stringify(value)
  if (json === undefined) return { ok: true, value: undefined }
  if (json.length > EXPRESSION_LIMITS.resultBytes) {
    return { ok: false, problem: `the result is ${json.length} characters; at most ${EXPRESSION_LIMITS.resultBytes}` }
  }
  return { ok: true, value: JSON.parse(json) }
}

/**
 * A value as a list: JSONata gives a single match as the value itself and no match as `undefined`.
 *
 * @example
 * ```ts
 * asList(undefined) // []
 * asList({ id: 1 }) // [{ id: 1 }]
 * ```
 */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return []
  return Array.isArray(value) ? value : [value]
}
