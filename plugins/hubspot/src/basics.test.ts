import { checkConnection, warsawMidnight } from '@ksef-hub/connector-sdk'
import { describe, expect, it } from 'vitest'
import { countryCodeOf } from './countries.ts'
import { advance, SEARCH_CAP } from './cursor.ts'
import hubspotConnector from './index.ts'
import { accountOf, hostsOf, limitsOf, settingsSchema } from './settings.ts'
import { settingsFor } from './test-context.ts'
import { dayOf } from './warsaw.ts'

const settings = settingsSchema.parse(settingsFor('https://api.hubapi.com/'))

describe('the connector’s declaration', () => {
  it('declares what it implements, and no import (HubSpot has no accounts payable)', () => {
    expect(hubspotConnector.id).toBe('hubspot')
    expect(hubspotConnector.capabilities).toEqual(['pull', 'map', 'writeBack', 'webhooks', 'healthCheck'])
    expect(hubspotConnector.importIncoming).toBeUndefined()
  })

  it('calls HubSpot’s origin only, routes webhooks by portal, and keeps to the burst and daily limits', () => {
    expect(settings.baseUrl).toBe('https://api.hubapi.com')
    expect(hostsOf(settings)).toEqual(['https://api.hubapi.com'])
    expect(accountOf(settingsSchema.parse({ ...settingsFor('https://x.example'), portalId: 146512345 }))).toBe(
      '146512345',
    )
    expect(limitsOf(settings)).toEqual({ requestsPerMinute: 100, concurrent: 5 })
    const starter = settingsSchema.parse({
      ...settingsFor('https://x.example'),
      limits: { per10Seconds: 190, perDay: 144_000 },
    })
    expect(limitsOf(starter).requestsPerMinute).toBe(100)
  })

  it('takes either way in with one secrets schema, and names a field at fault', () => {
    const base = settingsFor('https://api.hubapi.com')
    expect(checkConnection(hubspotConnector, base, { privateAppToken: 'pat-na1-x' }).ok).toBe(true)
    const oauth = { ...base, auth: 'oauth' }
    expect(checkConnection(hubspotConnector, oauth, { clientId: 'c', clientSecret: 's', refreshToken: 'r' }).ok).toBe(
      true,
    )
    const wrong = checkConnection(hubspotConnector, { ...base, portalId: 'acme' }, {})
    expect(wrong.ok ? [] : wrong.problems.map((problem) => problem.field)).toEqual([
      'settings.portalId',
      'secrets.privateAppToken',
    ])
  })
})

describe('the pull’s cursor', () => {
  const page = (from: number, next?: string) => ({ pageSize: 3, from, next })

  it('remembers the ids read at the latest instant, so equal instants are neither lost nor read twice', () => {
    const first = advance(
      { seen: [] },
      [
        { id: 'a', at: 1 },
        { id: 'b', at: 2 },
        { id: 'c', at: 2 },
      ],
      page(0, '3'),
    )
    expect(first.cursor).toEqual({ since: 2, seen: ['b', 'c'] })
    const second = advance(
      first.cursor,
      [
        { id: 'b', at: 2 },
        { id: 'c', at: 2 },
        { id: 'd', at: 2 },
      ],
      page(2),
    )
    expect(second.fresh.map((result) => result.id)).toEqual(['d'])
    expect(second.cursor).toEqual({ since: 2, seen: ['b', 'c', 'd'] })
  })

  it('pages one instant fuller than a page with search’s after, and refuses past the 10,000th result', () => {
    const full = advance(
      { since: 5, seen: ['a', 'b', 'c'] },
      [
        { id: 'a', at: 5 },
        { id: 'b', at: 5 },
        { id: 'c', at: 5 },
      ],
      page(5, '3'),
    )
    expect(full).toEqual({ cursor: { since: 5, seen: ['a', 'b', 'c'], after: '3' }, fresh: [] })
    // A page that moved to a later instant starts the next search there: no offset is carried over.
    expect(advance({ seen: [] }, [{ id: 'x', at: 9 }], page(5, '1')).cursor).toEqual({ since: 9, seen: ['x'] })
    expect(() => advance({ since: 5, seen: [] }, [{ id: 'z', at: 5 }], page(5, String(SEARCH_CAP - 2)))).toThrow(
      /over 10000 invoices changed at one instant/,
    )
  })
})

describe('HubSpot’s values', () => {
  it('reads a day as the Warsaw day of HubSpot’s instant, and countries as HubSpot’s free text has them', () => {
    expect(dayOf('2026-11-19T23:00:00.000Z')).toBe('2026-11-20')
    expect(dayOf('2026-07-14T22:00:00.000Z')).toBe('2026-07-15')
    expect(dayOf('1795129200000')).toBe('2026-11-20')
    expect(dayOf('2026-11-20')).toBe('2026-11-20')
    expect(warsawMidnight('2026-11-20').toISOString()).toBe('2026-11-19T23:00:00.000Z')
    expect(
      ['Polska', 'Poland', 'pl', 'Deutschland', 'Niemcy', 'Czech Republic', 'UK', 'Atlantis'].map(countryCodeOf),
    ).toEqual(['PL', 'PL', 'PL', 'DE', 'DE', 'CZ', 'GB', undefined])
  })
})
