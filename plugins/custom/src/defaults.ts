/**
 * The default expressions: they read the document shape of `fake/openapi.json`, the example source. A source
 * that speaks that shape needs no expressions at all; any other starts from these.
 *
 * @module
 */

/** Source document -> `SalesDocument` (see `fake/openapi.json`, schema `Invoice`). */
export const DEFAULT_MAPPING = `{
  "kind": kind = "credit_note" ? "correction" : "invoice",
  "number": number,
  "issueDate": issueDate,
  "saleDate": saleDate,
  "currency": currency,
  "exchangeRate": exchangeRate,
  "prices": pricesIncludeTax ? "gross" : "net",
  "buyer": {
    "name": customer.name,
    "nip": customer.nip,
    "euVatId": customer.vatId,
    "customerNumber": customer.id,
    "email": customer.email,
    "address": customer.address.{ "countryCode": country, "line1": street, "line2": postalCode & " " & city }
  },
  "lines": lines.{
    "name": description,
    "sku": sku,
    "quantity": quantity,
    "unit": unit,
    "unitPrice": unitPrice,
    "taxCode": taxCode
  },
  "payment": payment.{ "dueDate": dueDate, "method": method, "bankAccount": bankAccount },
  "correction": correction.{
    "reason": reason,
    "original": {
      "ref": invoiceId,
      "number": invoiceNumber,
      "issueDate": invoiceIssueDate,
      "outsideKsef": invoiceIssueDate < $ksefStartDate
    }
  },
  "exemption": exemptionBasis ? { "kind": "polishLaw", "basis": exemptionBasis }
}`

/**
 * Drafts are not invoices yet, and what was issued before the tenant's KSeF start (`ksefStartDate`) was issued
 * outside KSeF: the hub records the reason and sends nothing.
 */
export const DEFAULT_SKIP = `status = "draft" ? "a draft: not issued yet" : (
  issueDate < $ksefStartDate ? "issued outside KSeF (on " & issueDate & ", before ksefStartDate " & $ksefStartDate & ")"
)`

/** The PATCH body: the KSeF fields of the example source. */
export const DEFAULT_PATCH_BODY = `{
  "ksef": {
    "number": ksefNumber,
    "acquisitionDate": acquisitionDate,
    "verificationUrl": verificationUrl,
    "upo": upoBase64
  }
}`

/** The document read before a PATCH already holds this KSeF number. */
export const DEFAULT_ALREADY_WHEN = `ksef.number = $ksefNumber`

/** The query of a pull: `{since}`, `{page}` and `{limit}` are the cursor's values. */
export const DEFAULT_PULL_QUERY: Readonly<Record<string, string>> = {
  updatedSince: '{since}',
  cursor: '{page}',
  limit: '{limit}',
}
