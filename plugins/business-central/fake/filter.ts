/**
 * OData `$filter` as BC evaluates it on an entity set: comparisons (`eq ne gt ge lt le`) of a field with a literal
 * of the field's type (`'text'` with `''` for a quote, unquoted GUIDs, dates and date-times, numbers, `true`),
 * `and`, `or`, `not`, parentheses, and `startswith`/`endswith`/`contains`. A filter on a `Code` field matches the
 * upper-cased literal, as AL evaluates a value into a Code. An unknown field or a malformed filter is BC's 400.
 *
 * @module
 */
import { Decimal } from 'decimal.js'
import { BC_ERRORS, FIELD_LENGTHS } from './facts.ts'
import { BcError } from './http.ts'
import { type EntitySpec, fieldValue, type Row } from './model.ts'

/** A compiled filter. */
export type Predicate = (row: Row) => boolean

type Token = { readonly kind: 'string' | 'word' | 'literal' | 'punct'; readonly text: string; readonly at: number }

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/
const LITERAL = /^[0-9][0-9A-Za-z.:+-]*/
const WORD = /^[A-Za-z_][A-Za-z0-9_]*/
const OPERATORS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le'])
const FUNCTIONS = new Set(['startswith', 'endswith', 'contains'])

function tokenize(filter: string): Token[] {
  const tokens: Token[] = []
  let at = 0
  while (at < filter.length) {
    const rest = filter.slice(at)
    const space = /^\s+/.exec(rest)
    if (space) {
      at += space[0].length
      continue
    }
    if (rest[0] === "'") {
      let end = at + 1
      let text = ''
      for (;;) {
        if (end >= filter.length) throw new BcError(BC_ERRORS.filterSyntax(at, filter))
        if (filter[end] === "'") {
          if (filter[end + 1] === "'") {
            text += "'"
            end += 2
            continue
          }
          break
        }
        text += filter[end]
        end += 1
      }
      tokens.push({ kind: 'string', text, at })
      at = end + 1
      continue
    }
    if ('(),'.includes(rest[0] ?? '')) {
      tokens.push({ kind: 'punct', text: rest[0] ?? '', at })
      at += 1
      continue
    }
    const match = GUID.exec(rest) ?? LITERAL.exec(rest)
    if (match) {
      tokens.push({ kind: 'literal', text: match[0], at })
      at += match[0].length
      continue
    }
    const word = WORD.exec(rest)
    if (!word) throw new BcError(BC_ERRORS.filterSyntax(at, filter))
    tokens.push({ kind: 'word', text: word[0], at })
    at += word[0].length
  }
  return tokens
}

/** A literal of the filter, typed by the field it is compared with. */
function comparable(spec: EntitySpec, field: string, token: Token, filter: string): (row: Row) => number {
  const definition = spec.field.get(field)
  if (!definition) throw new BcError(BC_ERRORS.filterProperty(field, spec.type))
  const mismatch = () => new BcError(BC_ERRORS.filterSyntax(token.at, filter))
  const value = (row: Row) => fieldValue(definition, row)
  switch (definition.kind) {
    case 'decimal':
    case 'integer': {
      if (token.kind !== 'literal' || Number.isNaN(Number(token.text))) throw mismatch()
      return (row) => new Decimal(String(value(row))).cmp(token.text)
    }
    case 'boolean': {
      if (token.kind !== 'word' || !['true', 'false'].includes(token.text)) throw mismatch()
      const literal = token.text === 'true' ? 1 : 0
      return (row) => (value(row) ? 1 : 0) - literal
    }
    case 'datetime': {
      const instant = Date.parse(token.text)
      if (token.kind !== 'literal' || !/T/.test(token.text) || Number.isNaN(instant)) throw mismatch()
      return (row) => Math.sign(Date.parse(String(value(row))) - instant)
    }
    case 'date': {
      if (token.kind !== 'literal' || !/^\d{4}-\d{2}-\d{2}$/.test(token.text)) throw mismatch()
      return (row) => String(value(row)).localeCompare(token.text)
    }
    case 'guid': {
      if (!GUID.test(token.text) || (token.kind !== 'literal' && token.kind !== 'string')) throw mismatch()
      const literal = token.text.toLowerCase()
      return (row) => (String(value(row)).toLowerCase() === literal ? 0 : String(value(row)) < literal ? -1 : 1)
    }
    default: {
      if (token.kind !== 'string') throw mismatch()
      const literal = FIELD_LENGTHS[spec.set]?.[field]?.code ? token.text.toUpperCase() : token.text
      return (row) => {
        const text = String(value(row))
        return text === literal ? 0 : text < literal ? -1 : 1
      }
    }
  }
}

/**
 * Compiles a `$filter` for an entity set.
 *
 * @throws {BcError} BC's 400 for a malformed filter or a field the entity does not have
 * @example
 * ```ts
 * const keep = compileFilter(ENTITIES.vendors, "taxRegistrationNumber eq 'PL5265877635'")
 * rows.filter(keep)
 * ```
 */
export function compileFilter(spec: EntitySpec, filter: string): Predicate {
  const tokens = tokenize(filter)
  let position = 0
  const peek = () => tokens[position]
  const fail = (): never => {
    throw new BcError(BC_ERRORS.filterSyntax(peek()?.at ?? filter.length, filter))
  }
  const take = (text?: string): Token => {
    const token = peek()
    if (!token || (text !== undefined && token.text !== text)) return fail()
    position += 1
    return token
  }
  const field = (): string => {
    const token = take()
    if (token.kind !== 'word') fail()
    if (!spec.field.has(token.text)) throw new BcError(BC_ERRORS.filterProperty(token.text, spec.type))
    return token.text
  }
  const primary = (): Predicate => {
    const token = peek()
    if (token?.text === '(') {
      take('(')
      const inner = or()
      take(')')
      return inner
    }
    if (token?.kind === 'word' && FUNCTIONS.has(token.text.toLowerCase())) {
      const name = take().text.toLowerCase()
      take('(')
      const target = field()
      take(',')
      const literal = take()
      take(')')
      if (literal.kind !== 'string') fail()
      const text = (row: Row) => String(fieldValue(spec.field.get(target)!, row))
      if (name === 'startswith') return (row) => text(row).startsWith(literal.text)
      if (name === 'endswith') return (row) => text(row).endsWith(literal.text)
      return (row) => text(row).includes(literal.text)
    }
    const name = field()
    const operator = take().text
    if (!OPERATORS.has(operator)) fail()
    const literal = take()
    if (literal.text === 'null') return () => operator === 'ne'
    const compare = comparable(spec, name, literal, filter)
    const tests: Record<string, (order: number) => boolean> = {
      eq: (order) => order === 0,
      ne: (order) => order !== 0,
      gt: (order) => order > 0,
      ge: (order) => order >= 0,
      lt: (order) => order < 0,
      le: (order) => order <= 0,
    }
    const test = tests[operator]!
    return (row) => test(compare(row))
  }
  const unary = (): Predicate => {
    if (peek()?.text === 'not') {
      take('not')
      const inner = unary()
      return (row) => !inner(row)
    }
    return primary()
  }
  const and = (): Predicate => {
    let left = unary()
    while (peek()?.text === 'and') {
      take('and')
      const [a, b] = [left, unary()]
      left = (row) => a(row) && b(row)
    }
    return left
  }
  const or = (): Predicate => {
    let left = and()
    while (peek()?.text === 'or') {
      take('or')
      const [a, b] = [left, and()]
      left = (row) => a(row) || b(row)
    }
    return left
  }
  const predicate = or()
  if (position < tokens.length) fail()
  return predicate
}
