/**
 * Dates in range: the issue date is not after today (KSeF rejects an invoice issued after its acceptance day),
 * periods run forward, corrected invoices precede their correction, and date-times carry a zone.
 *
 * @module
 */
import type { Fa3Issue } from '../../errors.ts'
import { issueAt, type Rule, warsawDay } from './context.ts'

const ZONED = /(Z|[+-]\d{2}:\d{2})$/

/** Invoice dates are consistent with each other and with today (Europe/Warsaw). */
export const datesInRange: Rule = ({ invoice, today, now }) => {
  const issues: Fa3Issue[] = []
  const { details } = invoice
  if (details.issueDate > today) {
    issues.push(
      issueAt(
        'ISSUE_DATE_IN_FUTURE',
        'error',
        ['details', 'issueDate'],
        `issue date P_1 ${details.issueDate} is after today (${today} in Warsaw); KSeF rejects an invoice issued after the day it is accepted`,
      ),
    )
  }
  const createdAt = invoice.header.createdAt
  if (!ZONED.test(createdAt)) {
    issues.push(
      issueAt(
        'DATETIME_WITHOUT_ZONE',
        'warning',
        ['header', 'createdAt'],
        `creation time DataWytworzeniaFa ${createdAt} has no time zone; write it as UTC (Z) or with an offset`,
      ),
    )
  } else if (warsawDay(new Date(createdAt)) > today) {
    issues.push(
      issueAt(
        'CREATED_IN_FUTURE',
        'error',
        ['header', 'createdAt'],
        `creation time DataWytworzeniaFa ${createdAt} is on a day after today (${today} in Warsaw, now ${now.toISOString()})`,
      ),
    )
  }
  if (details.deliveryPeriod && details.deliveryPeriod.from > details.deliveryPeriod.to) {
    issues.push(
      issueAt(
        'PERIOD_REVERSED',
        'error',
        ['details', 'deliveryPeriod', 'to'],
        `delivery period OkresFa ends (P_6_Do ${details.deliveryPeriod.to}) before it starts (P_6_Od ${details.deliveryPeriod.from})`,
      ),
    )
  }
  details.correction?.correctedInvoices.forEach((corrected, i) => {
    if (corrected.issueDate > details.issueDate) {
      issues.push(
        issueAt(
          'CORRECTED_AFTER_CORRECTION',
          'error',
          ['details', 'correction', 'correctedInvoices', i, 'issueDate'],
          `corrected invoice ${corrected.number} is dated ${corrected.issueDate}, after this correction (${details.issueDate})`,
        ),
      )
    }
  })
  return issues
}
