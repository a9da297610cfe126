import { describe, expect, it } from 'vitest'
import { assertBaseUrlAllowed } from './environment-binding.ts'

describe('environment binding', () => {
  it('lets a tenant use the simulator or its own official host', () => {
    for (const environment of ['test', 'demo', 'prod'] as const) {
      expect(() => assertBaseUrlAllowed(environment, 'http://127.0.0.1:4010/v2')).not.toThrow()
      expect(() => assertBaseUrlAllowed(environment, null)).not.toThrow()
    }
    expect(() => assertBaseUrlAllowed('test', 'https://api-test.ksef.mf.gov.pl/v2')).not.toThrow()
    expect(() => assertBaseUrlAllowed('demo', 'https://api-demo.ksef.mf.gov.pl/v2')).not.toThrow()
    expect(() => assertBaseUrlAllowed('prod', 'https://api.ksef.mf.gov.pl/v2')).not.toThrow()
  })

  it('never lets a TEST tenant reach DEMO or PROD, however the URL is written', () => {
    for (const url of [
      'https://api.ksef.mf.gov.pl/v2',
      'https://API.KSEF.MF.GOV.PL/v2',
      'https://api.ksef.mf.gov.pl./v2',
      'https://api.ksef.mf.gov.pl:443/v2',
      'https://user@api.ksef.mf.gov.pl/v2',
      'https://api-demo.ksef.mf.gov.pl/v2',
      'https://ksef.mf.gov.pl/api',
      'https://qr.ksef.mf.gov.pl',
      'http://api-test.ksef.mf.gov.pl/v2',
    ]) {
      expect(() => assertBaseUrlAllowed('test', url), url).toThrow(/TEST tenant cannot use/)
    }
    expect(() => assertBaseUrlAllowed('demo', 'https://api.ksef.mf.gov.pl/v2')).toThrow(/that is the PROD KSeF/)
    expect(() => assertBaseUrlAllowed('demo', 'https://api-test.ksef.mf.gov.pl/v2')).toThrow(/that is the TEST KSeF/)
    expect(() => assertBaseUrlAllowed('prod', 'https://api-test.ksef.mf.gov.pl/v2')).toThrow(/PROD tenant/)
  })

  it('refuses what is not an http(s) URL', () => {
    expect(() => assertBaseUrlAllowed('test', 'ftp://127.0.0.1/v2')).toThrow(/http\(s\)/)
    expect(() => assertBaseUrlAllowed('test', 'not a url')).toThrow(/not a URL/)
  })
})
