/**
 * Checksums of the identifiers on an invoice: every NIP (seller, buyer, third parties, authorized party, carriers,
 * parties before a correction), internal identifiers, and the KSeF numbers an invoice refers to.
 *
 * @module
 */

import type { Fa3Issue } from '../../errors.ts'
import { checkKsefNumber } from '../../ids/ksef-number.ts'
import { isValidInternalId, isValidNip } from '../../ids/nip.ts'
import { issueAt, type Rule } from './context.ts'

type Path = readonly PropertyKey[]

function nipIssue(nip: string, path: Path, who: string): Fa3Issue[] {
  return isValidNip(nip)
    ? []
    : [issueAt('NIP_CHECKSUM', 'error', path, `${who} NIP ${nip} fails the NIP checksum (KSeF PRD rejects it)`)]
}

function idIssues(id: { kind: string; nip?: string; internalId?: string }, path: Path, who: string): Fa3Issue[] {
  if (id.kind === 'nip' && id.nip) return nipIssue(id.nip, [...path, 'nip'], who)
  if (id.kind === 'internal' && id.internalId && !isValidInternalId(id.internalId)) {
    return [
      issueAt(
        'INTERNAL_ID_CHECKSUM',
        'error',
        [...path, 'internalId'],
        `${who} internal identifier ${id.internalId} fails its checksum`,
      ),
    ]
  }
  return []
}

/** Every NIP and internal identifier has a valid checksum. */
export const identifierChecksums: Rule = ({ invoice }) => {
  const issues: Fa3Issue[] = [...nipIssue(invoice.seller.nip, ['seller', 'nip'], 'seller')]
  issues.push(...idIssues(invoice.buyer.id, ['buyer', 'id'], 'buyer'))
  invoice.thirdParties?.forEach((party, i) => {
    issues.push(...idIssues(party.id, ['thirdParties', i, 'id'], `third party ${i + 1}`))
  })
  if (invoice.authorizedParty) {
    issues.push(...nipIssue(invoice.authorizedParty.nip, ['authorizedParty', 'nip'], 'authorized party'))
  }
  const correction = invoice.details.correction
  if (correction?.sellerBefore) {
    issues.push(
      ...nipIssue(
        correction.sellerBefore.nip,
        ['details', 'correction', 'sellerBefore', 'nip'],
        'seller before correction',
      ),
    )
  }
  correction?.buyersBefore?.forEach((buyer, i) => {
    issues.push(...idIssues(buyer.id, ['details', 'correction', 'buyersBefore', i, 'id'], 'buyer before correction'))
  })
  invoice.details.terms?.transports?.forEach((transport, i) => {
    if (transport.carrier) {
      issues.push(...idIssues(transport.carrier.id, ['details', 'terms', 'transports', i, 'carrier', 'id'], 'carrier'))
    }
  })
  return issues
}

/**
 * KSeF numbers of corrected and settled advance invoices have a valid checksum. A warning, not an error: KSeF
 * itself does not reject an invoice for it, but a number that fails the checksum is almost surely mistyped.
 */
export const referencedKsefNumbers: Rule = ({ invoice }) => {
  const issues: Fa3Issue[] = []
  const check = (value: string, path: Path, what: string) => {
    const result = checkKsefNumber(value)
    if (!result.ok) issues.push(issueAt('KSEF_NUMBER_INVALID', 'warning', path, `${what} ${value} ${result.reason}`))
  }
  invoice.details.correction?.correctedInvoices.forEach((corrected, i) => {
    if (corrected.ksefNumber) {
      check(
        corrected.ksefNumber,
        ['details', 'correction', 'correctedInvoices', i, 'ksefNumber'],
        'KSeF number of the corrected invoice',
      )
    }
  })
  invoice.details.advanceInvoices?.forEach((advance, i) => {
    if (advance.ksefNumber) {
      check(advance.ksefNumber, ['details', 'advanceInvoices', i, 'ksefNumber'], 'KSeF number of the advance invoice')
    }
  })
  return issues
}
