import { readFileSync } from 'node:fs'
import { checkConnection, type TenantInfo } from '@ksef-hub/connector-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { type FakeErp, startFakeErp } from '../fake/index.ts'
import custom from './index.ts'
import { type Settings, settingsSchema } from './settings.ts'
import { confirmedInvoices, testContext } from './test-context.ts'

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const section = README.slice(README.indexOf('## A complete tenant file'))
const example = parse(/```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '') as {
  nip: string
  name: string
  connectors: { erp: { connector: string; settings: Record<string, unknown>; secrets: Record<string, unknown> } }
}
const connection = example.connectors.erp
let erp: FakeErp

beforeAll(async () => {
  erp = await startFakeErp()
})
afterAll(() => erp.close())

describe("the README's tenant file", () => {
  it('is a connection of the custom connector whose settings the connector accepts', () => {
    expect(connection.connector).toBe(custom.id)
    const checked = checkConnection(custom, connection.settings, { apiKey: 'key', webhookSecret: 'w'.repeat(32) })
    expect(checked.ok ? [] : checked.problems).toEqual([])
  })

  it('writes every default out as it is', () => {
    const compact = (settings: Settings) => ({
      ...settings,
      mapping: {
        ...settings.mapping,
        expression: settings.mapping.expression.replace(/\s+/g, ''),
        skip: settings.mapping.skip?.replace(/\s+/g, ''),
      },
      writeBack:
        settings.writeBack.kind === 'patch'
          ? { ...settings.writeBack, body: settings.writeBack.body.replace(/\s+/g, '') }
          : settings.writeBack,
    })
    const written = settingsSchema.parse(connection.settings)
    const defaults = settingsSchema.parse({
      baseUrl: written.baseUrl,
      taxCodes: written.taxCodes,
      seller: written.seller,
      limits: written.limits,
      ksefStartDate: written.ksefStartDate,
      // No defaults: the example source's delivery id, and what it signs.
      webhooks: { idField: 'id', signed: '{timestamp}.{body}' },
    })
    expect(compact(written)).toEqual(compact(defaults))
  })

  it('pulls and maps the example source, a credit note once the hub has sent its original', async () => {
    const seeded = erp.seed({ invoices: 10, creditNotes: 1, drafts: 1 })
    const tenant: TenantInfo = { id: 'przykladowa', nip: example.nip, name: example.name }
    const settings = { ...connection.settings, baseUrl: erp.url }
    const { context } = testContext({ settings, secrets: { apiKey: erp.apiKey }, tenant })
    const page = await custom.pull!.page(context, undefined)
    expect(page.documents).toHaveLength(12)
    const results = await Promise.allSettled(page.documents.map((document) => custom.map!(context, document)))
    const outcome = (result: (typeof results)[number]) =>
      result.status === 'rejected'
        ? (result.reason as Error).name
        : 'invoice' in result.value
          ? result.value.invoice.details.type
          : result.value.skip
    // The credit note waits: the hub has not sent the invoice it corrects yet.
    expect(results.map(outcome).sort()).toEqual(['NotReadyError', ...Array(10).fill('VAT'), 'a draft: not issued yet'])
    const sent = confirmedInvoices(
      tenant.nip,
      seeded.invoices.map((ref) => erp.document(ref)!),
    )
    const later = testContext({ settings, secrets: { apiKey: erp.apiKey }, tenant, sent }).context
    const note = page.documents.find((document) => document.ref === seeded.creditNotes[0])!
    const mapped = await custom.map!(later, note)
    expect('invoice' in mapped && mapped.invoice.details.type).toBe('KOR')
  })
})
