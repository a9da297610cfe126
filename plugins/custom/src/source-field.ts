/**
 * Which source field a mapped value came from, read off the mapping expression's AST, so that a mapping error can
 * tell an accountant "customer.nip" rather than only "buyer.nip of the mapping's result". Covers the way
 * mappings are written (object constructors of paths, `lines.{ ... }` for lists); anything cleverer (a
 * condition, a function call) names no source field, and the message names the result's field alone.
 *
 * @module
 */
import type jsonata from 'jsonata'

/** An AST node as jsonata builds it (its published type lacks `path` and `block` nodes). */
interface Node {
  readonly type: string
  readonly value?: unknown
  readonly steps?: readonly Node[]
  readonly expressions?: readonly Node[]
  readonly lhs?: unknown
  readonly stages?: unknown
}
type Segment = string | number

const isConstructor = (node: Node | undefined): boolean => node?.type === 'unary' && node.value === '{'

/** The names of a path's steps, when every step is a plain name (`customer.address.city`). */
function names(steps: readonly Node[]): string[] | undefined {
  const out: string[] = []
  for (const step of steps) {
    if (step.type !== 'name' || typeof step.value !== 'string' || step.stages) return undefined
    out.push(step.value)
  }
  return out
}

function join(segments: readonly Segment[]): string {
  return segments.reduce<string>(
    (text, segment) =>
      typeof segment === 'number' ? `${text}[${segment}]` : text === '' ? segment : `${text}.${segment}`,
    '',
  )
}

function pairOf(node: Node, key: string): Node | undefined {
  const pairs = (node.lhs ?? []) as [Node, Node][]
  return pairs.find(([name]) => name.type === 'string' && name.value === key)?.[1]
}

function walk(node: Node | undefined, path: readonly Segment[], prefix: readonly Segment[]): string | undefined {
  if (!node) return undefined
  if (node.type === 'block') return walk(node.expressions?.at(-1), path, prefix)
  if (node.type === 'name' && path.length === 0 && typeof node.value === 'string') return join([...prefix, node.value])
  if (isConstructor(node)) {
    const [key, ...rest] = path
    return typeof key === 'string' ? walk(pairOf(node, key), rest, prefix) : undefined
  }
  if (node.type !== 'path' || !node.steps) return undefined
  const last = node.steps.at(-1)
  if (isConstructor(last)) {
    // `lines.{ "name": description }`: the result's lines[2] came from the source's lines[2].
    const base = names(node.steps.slice(0, -1))
    if (!base) return undefined
    const [index, ...rest] = path
    if (typeof index === 'number') return walk(last, rest, [...prefix, ...base, index])
    return walk(last, path, [...prefix, ...base])
  }
  const steps = names(node.steps)
  if (!steps) return undefined
  // A list picked whole (`lines`): an index into the result is an index into the source.
  return join([...prefix, ...steps, ...path])
}

/**
 * The source field a value of the mapping's result came from, when the expression says so plainly.
 *
 * @param path the value's place in the result (`['lines', 2, 'unitPrice']`)
 * @example
 * ```ts
 * sourceFieldOf(jsonata('{ "lines": items.{ "unitPrice": price } }').ast(), ['lines', 2, 'unitPrice'])
 * // 'items[2].price'
 * ```
 */
export function sourceFieldOf(ast: jsonata.ExprNode, path: readonly Segment[]): string | undefined {
  return walk(ast as unknown as Node, path, [])
}
