/**
 * zod's findings about a model, as FA(3) issues that name the field in the model and in the XML.
 *
 * @module
 */
import type { z } from 'zod'
import type { Fa3Issue } from '../errors.ts'
import { formatModelPath, xmlPathOf } from '../mapping/paths.ts'
import { invoicePlan } from '../model/invoice.ts'

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      // zod words its own message "Invalid input: expected string, received number"; a schema's message wins.
      if (!issue.message.startsWith('Invalid input')) return issue.message
      const received = /received (\w+)/.exec(issue.message)?.[1]
      return received === 'undefined' ? `is required` : `must be a ${issue.expected}, not a ${received}`
    }
    case 'unrecognized_keys':
      return `has unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`
    case 'invalid_value':
      return issue.values.length > 16
        ? `is not one of the ${issue.values.length} allowed codes`
        : `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`
    case 'invalid_union':
      return issue.discriminator && 'options' in issue && issue.options
        ? `needs "${issue.discriminator}" to be one of ${issue.options.map((option) => JSON.stringify(option)).join(', ')}`
        : 'matches none of the allowed forms'
    case 'too_small':
      if (issue.origin === 'array') return `must have at least ${issue.minimum} item(s)`
      return issue.origin === 'number' ? `must be at least ${issue.minimum}` : issue.message
    case 'too_big':
      if (issue.origin === 'array') return `must have at most ${issue.maximum} item(s)`
      return issue.origin === 'number' ? `must be at most ${issue.maximum}` : issue.message
    default:
      return issue.message
  }
}

/**
 * Converts a zod error about an invoice model into issues.
 *
 * @example
 * ```ts
 * const result = invoiceSchema.safeParse(json)
 * if (!result.success) console.log(modelIssues(result.error))
 * ```
 */
export function modelIssues(error: z.ZodError): Fa3Issue[] {
  return error.issues.map((issue) => {
    const path = formatModelPath(issue.path)
    return {
      code: 'MODEL',
      severity: 'error' as const,
      message: `${path || 'invoice'} ${describe(issue)}`,
      path,
      xmlPath: xmlPathOf('Faktura', invoicePlan, issue.path),
    }
  })
}
