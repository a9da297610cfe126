import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ksefStartDate, pullEveryMinutes } from './settings-parts.ts'

describe('settings parts', () => {
  it('take a KSeF start date as an optional calendar day, described with what the connector does with it', () => {
    const schema = z.object({ ksefStartDate: ksefStartDate('Documents dated before it are never sent.') })
    expect(schema.parse({ ksefStartDate: '2026-02-01' })).toEqual({ ksefStartDate: '2026-02-01' })
    expect(schema.parse({})).toEqual({})
    expect(schema.safeParse({ ksefStartDate: '2026-02-30' }).success).toBe(false)
    expect(schema.safeParse({ ksefStartDate: '01.02.2026' }).success).toBe(false)
    expect(z.toJSONSchema(schema).properties?.ksefStartDate).toMatchObject({
      description:
        'The first day (Europe/Warsaw) of invoices through KSeF (YYYY-MM-DD). Documents dated before it are never sent.',
    })
  })

  it('pull every 1 to 1440 minutes, 5 by default, with a description a connector may word otherwise', () => {
    const pull = z.object({ everyMinutes: pullEveryMinutes })
    expect(pull.parse({})).toEqual({ everyMinutes: 5 })
    expect(pull.safeParse({ everyMinutes: 0 }).success).toBe(false)
    expect(pull.safeParse({ everyMinutes: 1441 }).success).toBe(false)
    expect(pull.safeParse({ everyMinutes: 1.5 }).success).toBe(false)
    const description = (schema: z.ZodType) => {
      const property = z.toJSONSchema(z.object({ everyMinutes: schema })).properties?.everyMinutes
      return (property as { description?: string } | undefined)?.description
    }
    expect(description(pullEveryMinutes)).toBe('How often the hub pulls on its own; webhooks pull in between.')
    expect(description(pullEveryMinutes.meta({ description: 'Minutes between pulls.' }))).toBe('Minutes between pulls.')
    expect(description(pullEveryMinutes)).toBe('How often the hub pulls on its own; webhooks pull in between.')
  })
})
