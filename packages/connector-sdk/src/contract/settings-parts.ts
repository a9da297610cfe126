/**
 * Settings every connector has, as zod building blocks for its settings schema (beside `taxCodeTable`): the KSeF
 * start date and how often the hub pulls. Their descriptions go into the tenant file's published JSON Schema.
 *
 * @module
 */
import { z } from 'zod'

/**
 * `settings.ksefStartDate`: the first day (Europe/Warsaw) of the tenant's invoices through KSeF, optional. A
 * connector's `map` skips what is dated before it (`beforeKsefStart`) and its pull may start there.
 *
 * @param detail what the connector does with it, after the common first sentence of the description
 * @example
 * ```ts
 * const settings = z.object({
 *   taxCodes: taxCodeTable,
 *   ksefStartDate: ksefStartDate('Invoices dated before it are never sent and the pull starts at it.'),
 * })
 * settings.parse({ taxCodes: {}, ksefStartDate: '2026-02-01' }).ksefStartDate // '2026-02-01'
 * ```
 */
export const ksefStartDate = (detail: string) =>
  z.iso
    .date()
    .optional()
    .meta({ description: `The first day (Europe/Warsaw) of invoices through KSeF (YYYY-MM-DD). ${detail}` })

/**
 * `settings.pull.everyMinutes`: how often the hub pulls on its own, 1 to 1440 minutes, default 5 (give it to
 * `pull.everyMinutes` as `(settings) => settings.pull.everyMinutes`). `.meta({ description })` words it otherwise.
 *
 * @example
 * ```ts
 * const pull = z.object({ everyMinutes: pullEveryMinutes, pageSize: z.int().min(1).max(100).default(100) })
 * pull.parse({}).everyMinutes // 5
 * ```
 */
export const pullEveryMinutes = z
  .int()
  .min(1)
  .max(1440)
  .default(5)
  .meta({ description: 'How often the hub pulls on its own; webhooks pull in between.' })
