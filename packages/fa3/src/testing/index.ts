/**
 * Test support for FA(3): random valid invoices and the official samples. Import from `@ksef-hub/fa3/testing`.
 *
 * @module
 */
export { invoiceArbitrary, planArbitrary } from './arbitrary.ts'
export { randomNip } from './random-nip.ts'
export { officialSamples, SAMPLES_DIR, type Sample, sample, TEMPLATE_VALUES } from './samples.ts'
export { typicalInvoice } from './typical.ts'
