import { describe, expect, it } from 'vitest'
import { fixtureText } from '../testing/test-certificates.ts'
import { authTokenRequestXml, signXades, verifyXades } from './xades.ts'

const challenge = '20250604-CR-461EA5B000-537A6BA15D-D7'
const context = { type: 'Nip' as const, value: '5265877635' }

describe('AuthTokenRequest', () => {
  it('matches the documented unsigned sample', () => {
    const expected = fixtureFree()
    expect(authTokenRequestXml(challenge, context)).toBe(expected)
  })
})

function fixtureFree(): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?><AuthTokenRequest xmlns="http://ksef.mf.gov.pl/auth/token/2.0">' +
    '<Challenge>20250604-CR-461EA5B000-537A6BA15D-D7</Challenge><ContextIdentifier><Nip>5265877635</Nip></ContextIdentifier>' +
    '<SubjectIdentifierType>certificateSubject</SubjectIdentifierType></AuthTokenRequest>'
  )
}

describe('XAdES-BES enveloped signature', () => {
  for (const kind of ['ec', 'rsa'] as const) {
    it(`signs with a ${kind.toUpperCase()} seal and verifies; tampering breaks it`, async () => {
      const signed = await signXades(
        authTokenRequestXml(challenge, context),
        fixtureText(`seal-${kind}.cert.pem`),
        fixtureText(`seal-${kind}.key.pem`),
      )
      expect(signed).toContain('http://www.w3.org/2000/09/xmldsig#enveloped-signature')
      expect(signed).toContain('<xades:SigningCertificate>')
      expect(signed).toContain('<xades:SigningTime>')
      expect(signed).toContain('Type="http://uri.etsi.org/01903#SignedProperties"')
      expect(signed).toContain(kind === 'ec' ? 'ecdsa-sha256' : 'rsa-sha256')
      expect(await verifyXades(signed)).toBe(true)
      expect(await verifyXades(signed.replace('5265877635</Nip>', '5265877636</Nip>'))).toBe(false)
    })
  }

  it('signs ECDSA as r||s (64 bytes), not DER', async () => {
    const signed = await signXades(
      authTokenRequestXml(challenge, context),
      fixtureText('seal-ec.cert.pem'),
      fixtureText('seal-ec.key.pem'),
    )
    const value = /<ds:SignatureValue>([^<]+)<\/ds:SignatureValue>/.exec(signed)?.[1] ?? ''
    expect(Buffer.from(value, 'base64')).toHaveLength(64)
  })
})
