/**
 * Date and date-time value types of FA(3) (see `values.ts` for the others).
 *
 * @module
 */
import { z } from 'zod'
import { type ValueType, valueType } from '../mapping/dsl.ts'
import { collapsed, isString } from './values.ts'

// The days of a batch of invoices are few (issue, sale and due dates): remembered, they cost a lookup.
const calendarDays = new Map<string, boolean>()

function isCalendarDate(value: string): boolean {
  const known = calendarDays.get(value)
  if (known !== undefined) return known
  const [year, month, day] = value.split('-').map(Number) as [number, number, number]
  const date = new Date(Date.UTC(year, month - 1, day))
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  if (calendarDays.size >= 4096) calendarDays.clear()
  calendarDays.set(value, real)
  return real
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

/**
 * A calendar date `YYYY-MM-DD` between `min` and `max` inclusive. FA(3) dates carry no time zone: they are days
 * of the Polish calendar (Europe/Warsaw).
 *
 * @example
 * ```ts
 * const invoiceDate = date('2006-01-01', '2050-01-01') // TDataT
 * ```
 */
export function date(min: string, max: string): ValueType<z.ZodString> {
  const inRange = (value: string) => value >= min && value <= max
  const zod = z
    .string()
    .regex(DATE, 'must be a date written as YYYY-MM-DD')
    .refine(isCalendarDate, 'is not a real calendar date')
    .refine(inRange, `must be between ${min} and ${max}`)
  const accepts = (value: unknown) => isString(value) && DATE.test(value) && isCalendarDate(value) && inRange(value)
  return valueType(zod, accepts, collapsed, { kind: 'date', min, max })
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/

function isRealDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value)
  if (!match) return false
  const [hour, minute, second] = [Number(match[2]), Number(match[3]), Number(match[4])]
  return isCalendarDate(match[1] as string) && hour < 24 && minute < 60 && second < 60
}

/**
 * An `xsd:dateTime` between two instants. Write it with a zone (`Z` or `+01:00`); a value without one is accepted
 * because incoming invoices may carry it, and is compared as UTC.
 *
 * @example
 * ```ts
 * const createdAt = dateTime('2025-09-01T00:00:00Z', '2050-01-01T23:59:59Z')
 * ```
 */
export function dateTime(min: string, max: string): ValueType<z.ZodString> {
  const [from, to] = [Date.parse(min), Date.parse(max)]
  const inRange = (value: string) => {
    const instant = Date.parse(DATE_TIME.exec(value)?.[6] ? value : `${value}Z`)
    return instant >= from && instant <= to
  }
  const zod = z
    .string()
    .regex(DATE_TIME, 'must be a date and time such as 2026-02-01T10:00:00Z')
    .refine(isRealDateTime, 'is not a real date and time')
    .refine(inRange, `must be between ${min} and ${max}`)
  const accepts = (value: unknown) => isString(value) && isRealDateTime(value) && inRange(value)
  return valueType(zod, accepts, collapsed, { kind: 'dateTime', min, max })
}
