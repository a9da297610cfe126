import { checkConnection } from '@ksef-hub/connector-sdk'
import { describe, expect, it } from 'vitest'
import { advance, streamsOf } from './cursor.ts'
import businessCentral from './index.ts'
import { kindOfBcError, odataErrorOf } from './odata-errors.ts'
import { odataQuery, odataString, parseRef, refOf } from './refs.ts'
import { apiBaseOf, customApiBaseOf, hostsOf, limitsOf, settingsSchema, tokenUrlOf } from './settings.ts'
import { COMPANY, COMPANY_2 } from './test-context.ts'

const minimal = { entraTenantId: 'contoso.onmicrosoft.com', companies: [COMPANY], taxCodes: { VAT23: '23' } }

describe('settings', () => {
  it('default to BC online: API base and token URL of the Entra tenant and environment', () => {
    const settings = settingsSchema.parse(minimal)
    expect(apiBaseOf(settings)).toBe(
      'https://api.businesscentral.dynamics.com/v2.0/contoso.onmicrosoft.com/production/api/v2.0',
    )
    expect(tokenUrlOf(settings)).toBe('https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token')
    expect(hostsOf(settings)).toEqual(['https://api.businesscentral.dynamics.com', 'https://login.microsoftonline.com'])
    expect(settings.scope).toBe('https://api.businesscentral.dynamics.com/.default')
    expect(settings.buyer.nipFields).toEqual(['customer.taxRegistrationNumber'])
    expect(settings.documents.statuses).toEqual(['Open', 'Paid', 'Canceled', 'Corrective'])
  })

  it("express BC's 6,000 requests per 5 minutes and 5 at once as the SDK's per-minute limit", () => {
    expect(limitsOf(settingsSchema.parse(minimal))).toEqual({ requestsPerMinute: 1200, concurrent: 5 })
  })

  it('find a custom API page beside API v2.0', () => {
    const settings = settingsSchema.parse({ ...minimal, environment: 'sandbox' })
    expect(customApiBaseOf(settings, 'contoso/ksef/v1.0')).toBe(
      'https://api.businesscentral.dynamics.com/v2.0/contoso.onmicrosoft.com/sandbox/api/contoso/ksef/v1.0',
    )
  })

  it('refuse what cannot work, naming the field', () => {
    const checked = checkConnection(
      businessCentral,
      { ...minimal, companies: ['CRONUS'], buyer: { nipFields: ['vendor.nip'] } },
      { clientId: 'id', clientSecret: 'secret', clientState: 'short' },
    )
    expect(checked.ok).toBe(false)
    const fields = checked.ok ? [] : checked.problems.map((problem) => problem.field)
    expect(fields).toEqual(
      expect.arrayContaining(['settings.companies.0', 'settings.buyer.nipFields.0', 'secrets.clientState']),
    )
  })
})

describe('refs', () => {
  it("are a document's path under the API root, ids lower-case, and read back from a webhook's resource", () => {
    const ref = refOf(COMPANY.toUpperCase(), 'salesInvoices', 'ABCDEF01-0000-4000-8000-000000000001')
    expect(ref).toBe(`companies(${COMPANY})/salesInvoices(abcdef01-0000-4000-8000-000000000001)`)
    expect(parseRef(`api/v2.0/${ref}`)).toEqual({
      companyId: COMPANY,
      kind: 'salesInvoices',
      id: 'abcdef01-0000-4000-8000-000000000001',
    })
    expect(parseRef(`/api/v2.0/companies(${COMPANY})/customers(${COMPANY})`)).toBeUndefined()
  })

  it('write OData literals and queries safely', () => {
    expect(odataString("O'Brien")).toBe("'O''Brien'")
    expect(odataQuery({ $filter: "number eq 'FV/1'", $top: 1, $skip: undefined })).toBe(
      "?$filter=number%20eq%20'FV%2F1'&$top=1",
    )
  })
})

describe("BC's errors", () => {
  it('are classified by their OData code first, then by status', () => {
    expect(odataErrorOf('{"error":{"code":"Request_EntityChanged","message":"changed"}}')).toEqual({
      code: 'Request_EntityChanged',
      message: 'changed',
    })
    expect(odataErrorOf('<html>')).toBeUndefined()
    expect(kindOfBcError(400, 'Request_EntityChanged')).toBe('conflict')
    expect(kindOfBcError(401, 'Authentication_InvalidCredentials')).toBe('auth')
    expect(kindOfBcError(400, 'Authorization_NoPermission')).toBe('forbidden')
    expect(kindOfBcError(400, 'Internal_RecordNotFound')).toBe('not_found')
    expect(kindOfBcError(400, 'Application_DialogException')).toBe('validation')
    expect(kindOfBcError(412, '')).toBe('conflict')
  })
})

describe('the cursor', () => {
  it('walks invoices before credit memos, company by company', () => {
    expect(streamsOf([COMPANY, COMPANY_2], ['salesCreditMemos', 'salesInvoices'])).toEqual([
      { companyId: COMPANY, kind: 'salesInvoices' },
      { companyId: COMPANY, kind: 'salesCreditMemos' },
      { companyId: COMPANY_2, kind: 'salesInvoices' },
      { companyId: COMPANY_2, kind: 'salesCreditMemos' },
    ])
  })

  it('keeps the latest change and every id read at that instant', () => {
    const at = (id: string, time: string) => ({ id, lastModifiedDateTime: `2026-11-20T10:00:${time}Z` })
    const first = advance({ since: undefined, seen: [] }, [at('a', '01'), at('b', '02'), at('C', '02')])
    expect(first).toEqual({ since: '2026-11-20T10:00:02Z', seen: ['b', 'c'] })
    expect(advance(first, [at('d', '02.000')])).toEqual({ since: '2026-11-20T10:00:02Z', seen: ['b', 'c', 'd'] })
    expect(advance(first, [at('e', '03')])).toEqual({ since: '2026-11-20T10:00:03Z', seen: ['e'] })
  })
})
