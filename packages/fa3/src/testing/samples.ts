/**
 * The official FA(3) sample invoices (../shared/ksef/samples/invoices), with the C# SDK template's placeholders
 * filled in here rather than in the shared file.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** One official sample. */
export interface Sample {
  readonly name: string
  readonly xml: string
}

function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir)
    if (parent === dir) throw new Error('pnpm-workspace.yaml not found above the fa3 package')
    dir = parent
  }
  return dir
}

/** The folder of the official sample invoices, beside the repository as `../shared`. */
export const SAMPLES_DIR = join(repositoryRoot(), '..', 'shared', 'ksef', 'samples', 'invoices')

/** Values for the template's placeholders: a NIP with a valid checksum and an invoice number. */
export const TEMPLATE_VALUES: Readonly<Record<string, string>> = { '#nip#': '5265877635', '#invoice_number#': '0001' }

/**
 * Every official sample, placeholders filled.
 *
 * @example
 * ```ts
 * for (const sample of officialSamples()) validateInvoiceXml(sample.xml)
 * ```
 */
export function officialSamples(): Sample[] {
  return readdirSync(SAMPLES_DIR)
    .filter((name) => name.endsWith('.xml'))
    .sort()
    .map((name) => {
      let xml = readFileSync(join(SAMPLES_DIR, name), 'utf8')
      for (const [placeholder, value] of Object.entries(TEMPLATE_VALUES)) xml = xml.replaceAll(placeholder, value)
      return { name, xml }
    })
}

/**
 * One sample by (part of) its file name.
 *
 * @example
 * ```ts
 * const vat = sample('01-VAT').xml
 * ```
 */
export function sample(fragment: string): Sample {
  const found = officialSamples().find((candidate) => candidate.name.includes(fragment))
  if (!found) throw new Error(`no sample matches ${fragment}`)
  return found
}
