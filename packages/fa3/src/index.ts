/**
 * `@ksef-hub/fa3`: the canonical model of a Polish e-invoice (FA(3)) and its exact XML form.
 *
 * - the model: {@link invoiceSchema} (zod), {@link parseInvoiceModel} (the same, fast for valid input), {@link Invoice};
 *   English names, official codes where they are codes
 * - XML: {@link buildInvoiceXml}, {@link parseInvoiceXml}, {@link canonicalXml}
 * - validation: {@link validateInvoiceXml}, {@link validateInvoice} (XSD + business rules)
 * - helpers: NIP / internal id / KSeF number checks, hashes, duplicate key, QR code I
 *
 * @module
 */

export { createdAtOf, withDefaultHeader } from './compose/header.ts'
export { type TotalsOptions, totalsFromLines } from './compose/totals.ts'
export { type DuplicateKey, duplicateKey } from './duplicate-key.ts'
export { Fa3Error, type Fa3ErrorCode, type Fa3Issue, formatIssue } from './errors.ts'
export { sha256Base64, sha256Base64Url } from './hash.ts'
export { checkKsefNumber, crc8, formatKsefNumber, isValidKsefNumber, type KsefNumberParts } from './ids/ksef-number.ts'
export { completeNip, isValidInternalId, isValidNip } from './ids/nip.ts'
export { formatModelPath, xmlPathOf } from './mapping/paths.ts'
export { EU_COUNTRY_CODES } from './model/codes.generated.ts'
export { INVOICE_TYPES, type InvoiceType } from './model/details.ts'
export {
  FA3_FORM_CODE,
  FA3_NAMESPACE,
  type Invoice,
  type InvoiceInput,
  invoicePlan,
  invoiceSchema,
  parseInvoiceModel,
} from './model/invoice.ts'
export { VAT_RATES, type VatRate } from './model/lines.ts'
export { invoiceQrLink, invoiceQrLinkForHash, type KsefEnvironment, QR_HOSTS, qrLabel } from './qr.ts'
export { RULES, type Rule, type RuleContext, runRules, warsawDay } from './validate/rules/index.ts'
export {
  type ValidateOptions,
  type ValidationReport,
  validateInvoice,
  validateInvoiceXml,
} from './validate/validate.ts'
export { fa3Validator } from './validate/xsd.ts'
export { type BuildOptions, buildInvoiceBytes, buildInvoiceXml, serializeInvoice } from './xml/build.ts'
export { canonicalXml } from './xml/canonical.ts'
export { type ParseOptions, parseInvoiceXml } from './xml/parse.ts'
export { MAX_INVOICE_BYTES, type ReadOptions, readXmlInput, type XmlInput } from './xml/read.ts'
