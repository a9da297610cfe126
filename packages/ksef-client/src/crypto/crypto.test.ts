import { constants, createDecipheriv, createPrivateKey, privateDecrypt } from 'node:crypto'
import { sha256Base64 } from '@ksef-hub/fa3'
import { describe, expect, it } from 'vitest'
import { loadMfKey } from '../testing/fake-ksef-state.ts'
import { sampleInvoice } from '../testing/sample-invoice.ts'
import { fixtureText } from '../testing/test-certificates.ts'
import { aesDecrypt, aesEncrypt, createSessionKey } from './aes.ts'
import { encryptionInfo, prepareInvoice } from './encryption.ts'
import { choosePublicKey, type PublicKeyCertificate, rsaOaepEncrypt } from './public-keys.ts'

const mf = loadMfKey('mf-symmetric')
const mfPrivate = createPrivateKey(fixtureText('mf-symmetric.key.pem'))
const certificates: PublicKeyCertificate[] = [
  {
    certificate: mf.certificateBase64,
    publicKeyId: mf.publicKeyId,
    validFrom: '2025-01-01T00:00:00Z',
    validTo: '2035-01-01T00:00:00Z',
    usage: ['SymmetricKeyEncryption'],
  },
]

describe('AES-256-CBC session encryption', () => {
  it('uses a 32-byte key and a 16-byte IV and sends no IV prefix', () => {
    const key = createSessionKey()
    expect(key.key).toHaveLength(32)
    expect(key.iv).toHaveLength(16)
    const plain = Buffer.from('x'.repeat(40))
    const encrypted = aesEncrypt(key, plain)
    // PKCS#7 pads 40 bytes to 48; an IV prefix would make it 64.
    expect(encrypted).toHaveLength(48)
    const decipher = createDecipheriv('aes-256-cbc', key.key, key.iv)
    expect(Buffer.concat([decipher.update(encrypted), decipher.final()])).toEqual(plain)
    expect(encrypted.subarray(0, 16).equals(key.iv)).toBe(false)
  })

  it('pads a block-aligned plaintext with a whole block (PKCS#7)', () => {
    const key = createSessionKey()
    expect(aesEncrypt(key, Buffer.alloc(32))).toHaveLength(48)
    expect(aesDecrypt(key, aesEncrypt(key, Buffer.alloc(32)))).toEqual(Buffer.alloc(32))
  })
})

describe('prepared invoice (SendInvoiceRequest fields)', () => {
  it('hashes and sizes the exact plain bytes and the exact ciphertext', () => {
    const key = createSessionKey()
    const bytes = sampleInvoice({ number: 'FV/CRYPTO/1' })
    const prepared = prepareInvoice(key, bytes)
    const ciphertext = Buffer.from(prepared.encryptedInvoiceContent, 'base64')
    expect(prepared.invoiceHash).toBe(sha256Base64(bytes))
    expect(prepared.invoiceHash).toHaveLength(44)
    expect(prepared.invoiceSize).toBe(bytes.length)
    expect(prepared.encryptedInvoiceSize).toBe(ciphertext.length)
    expect(prepared.encryptedInvoiceHash).toBe(sha256Base64(ciphertext))
    expect(prepared.encryptedInvoiceSize).toBe(Math.floor(bytes.length / 16) * 16 + 16)
    expect(aesDecrypt(key, ciphertext)).toEqual(Buffer.from(bytes))
  })
})

describe('RSA-OAEP with SHA-256 and MGF1-SHA-256', () => {
  it('wraps the session key so that OAEP-SHA256 decrypts it and OAEP-SHA1 does not', () => {
    const key = createSessionKey()
    const chosen = choosePublicKey(certificates, 'SymmetricKeyEncryption', Date.now())
    if (!chosen) throw new Error('no key')
    const info = encryptionInfo(key, chosen)
    const wrapped = Buffer.from(info.encryptedSymmetricKey, 'base64')
    expect(wrapped).toHaveLength(256)
    const unwrapped = privateDecrypt(
      { key: mfPrivate, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      wrapped,
    )
    expect(unwrapped).toEqual(key.key)
    expect(() =>
      privateDecrypt({ key: mfPrivate, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, wrapped),
    ).toThrow()
    expect(Buffer.from(info.initializationVector, 'base64')).toEqual(key.iv)
    expect(info.publicKeyId).toBe(mf.publicKeyId)
  })

  it('encrypts the token as "token|timestampMs"', () => {
    const chosen = choosePublicKey(certificates, 'SymmetricKeyEncryption', Date.now())
    if (!chosen) throw new Error('no key')
    const encrypted = rsaOaepEncrypt(chosen.key, Buffer.from('secret-token|1733900000000'))
    const plain = privateDecrypt(
      { key: mfPrivate, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      encrypted,
    )
    expect(plain.toString()).toBe('secret-token|1733900000000')
  })
})

describe('choosing the Ministry key', () => {
  const other = loadMfKey('mf-symmetric-rotated')
  const both: PublicKeyCertificate[] = [
    ...certificates,
    {
      certificate: other.certificateBase64,
      publicKeyId: other.publicKeyId,
      validFrom: '2026-01-01T00:00:00Z',
      validTo: '2036-01-01T00:00:00Z',
      usage: ['SymmetricKeyEncryption'],
    },
    {
      certificate: other.certificateBase64,
      publicKeyId: 'token-key',
      validFrom: '2026-01-01T00:00:00Z',
      validTo: '2036-01-01T00:00:00Z',
      usage: ['KsefTokenEncryption'],
    },
  ]

  it('takes the valid certificate with the latest validFrom for the usage', () => {
    expect(choosePublicKey(both, 'SymmetricKeyEncryption', Date.parse('2026-06-01'))?.publicKeyId).toBe(
      other.publicKeyId,
    )
    expect(choosePublicKey(both, 'SymmetricKeyEncryption', Date.parse('2025-06-01'))?.publicKeyId).toBe(mf.publicKeyId)
    expect(choosePublicKey(both, 'KsefTokenEncryption', Date.parse('2026-06-01'))?.publicKeyId).toBe('token-key')
    expect(choosePublicKey(both, 'KsefTokenEncryption', Date.parse('2025-06-01'))).toBeUndefined()
  })
})
