/**
 * Checking a connection's settings and secrets against its connector's schemas, with messages that name the field.
 *
 * @module
 */
import type { z } from 'zod'
import type { AnyConnector } from '../contract/definition.ts'

/** A problem with a connection's settings or secrets. */
export interface SchemaProblem {
  /** `settings.baseUrl`, `secrets.apiKey`. */
  readonly field: string
  readonly message: string
}

/**
 * The problems zod found, each with its field under `prefix`.
 *
 * @example
 * ```ts
 * problemsOf(result.error, 'settings') // [{ field: 'settings.baseUrl', message: 'Invalid URL' }]
 * ```
 */
export function problemsOf(error: z.ZodError, prefix: string): SchemaProblem[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }))
}

/**
 * Checks settings and secrets; secret values never appear in the problems (zod's messages name types, not values).
 *
 * @example
 * ```ts
 * const checked = checkConnection(connector, settings, secrets)
 * if (!checked.ok) throw new Error(checked.problems.map((p) => `${p.field}: ${p.message}`).join('; '))
 * ```
 */
export function checkConnection(
  connector: AnyConnector,
  settings: unknown,
  secrets: unknown,
): { ok: true; settings: unknown; secrets: unknown } | { ok: false; problems: SchemaProblem[] } {
  const checkedSettings = connector.settings.safeParse(settings)
  const checkedSecrets = connector.secrets.safeParse(secrets)
  const problems = [
    ...(checkedSettings.success ? [] : problemsOf(checkedSettings.error, 'settings')),
    ...(checkedSecrets.success ? [] : problemsOf(checkedSecrets.error, 'secrets')),
  ]
  if (problems.length > 0 || !checkedSettings.success || !checkedSecrets.success) return { ok: false, problems }
  return { ok: true, settings: checkedSettings.data, secrets: checkedSecrets.data }
}

/**
 * The problems as one line.
 *
 * @example
 * ```ts
 * describeProblems([{ field: 'settings.baseUrl', message: 'Invalid URL' }]) // 'settings.baseUrl: Invalid URL'
 * ```
 */
export function describeProblems(problems: readonly SchemaProblem[]): string {
  return problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ')
}
