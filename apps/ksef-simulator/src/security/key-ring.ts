/**
 * The set of the simulator's encryption keys: which are listed, which a `publicKeyId` names, decryption with
 * RSA-OAEP (SHA-256, MGF1-SHA-256) and rotation (the old keys withdrawn at once, as in an emergency rotation).
 *
 * @module
 */
import { constants, createPrivateKey, type KeyObject, privateDecrypt } from 'node:crypto'
import { ApiError } from '../errors/index.ts'
import type { Database } from '../store/database.ts'
import { createSimulatorKey, type KeyUsage, type SimulatorKey } from './certificates.ts'

const META_KEY = 'keys'
const USAGES: readonly KeyUsage[] = ['KsefTokenEncryption', 'SymmetricKeyEncryption']

/** Key generation takes ~100 ms per key; in-memory simulators of one process share one fresh set. */
let memoryKeys: Promise<SimulatorKey[]> | undefined

/** A `PublicKeyCertificate` as `GET /security/public-key-certificates` lists it. */
export interface PublicKeyCertificate {
  certificate: string
  certificateId: string
  publicKeyId: string
  validFrom: string
  validTo: string
  usage: KeyUsage[]
}

/**
 * The simulator's keys, persisted in the store.
 *
 * @example
 * ```ts
 * const ring = await KeyRing.open(db, clock.now())
 * const key = ring.decrypt('SymmetricKeyEncryption', body.encryption.publicKeyId, encryptedKey)
 * ```
 */
export class KeyRing {
  readonly #db: Database
  #keys: SimulatorKey[]
  readonly #privateKeys = new Map<string, KeyObject>()

  private constructor(db: Database, keys: SimulatorKey[]) {
    this.#db = db
    this.#keys = keys
  }

  /** Loads the keys from the store, creating them on first start. */
  static async open(db: Database, now: Date): Promise<KeyRing> {
    const stored = db.get<{ value: string }>('SELECT value FROM meta WHERE key = ?', META_KEY)
    if (stored) return new KeyRing(db, JSON.parse(stored.value) as SimulatorKey[])
    const create = () => Promise.all(USAGES.map((usage) => createSimulatorKey(usage, now)))
    if (db.location === ':memory:' && !memoryKeys) memoryKeys = create()
    const keys = await (db.location === ':memory:' && memoryKeys ? memoryKeys : create())
    const ring = new KeyRing(db, [...keys])
    ring.#save()
    return ring
  }

  #save(): void {
    this.#db.run(
      'INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      META_KEY,
      JSON.stringify(this.#keys),
    )
  }

  /** The certificates currently offered, newest first. */
  list(): PublicKeyCertificate[] {
    return this.#keys
      .filter((key) => !key.withdrawn)
      .toReversed()
      .map((key) => ({
        certificate: key.certificate,
        certificateId: key.certificateId,
        publicKeyId: key.publicKeyId,
        validFrom: key.validFrom,
        validTo: key.validTo,
        usage: [key.usage],
      }))
  }

  /**
   * The keys a request may have used: the one its `publicKeyId` names, or every active key of the usage.
   *
   * @throws {@link ApiError} 21470 when the id is unknown, withdrawn or of another usage.
   */
  candidates(usage: KeyUsage, publicKeyId: string | null | undefined): SimulatorKey[] {
    const active = this.#keys.filter((key) => !key.withdrawn && key.usage === usage)
    if (publicKeyId === null || publicKeyId === undefined) return active
    const named = active.find((key) => key.publicKeyId === publicKeyId)
    if (!named) throw ApiError.badRequest(21470, `Klucz o identyfikatorze ${publicKeyId} nie jest wspierany.`)
    return [named]
  }

  /**
   * RSA-OAEP (SHA-256) decryption with the named key or any active key of the usage; `undefined` when none fits.
   *
   * @throws {@link ApiError} 21470 for an unknown or withdrawn `publicKeyId`.
   */
  decrypt(usage: KeyUsage, publicKeyId: string | null | undefined, data: Uint8Array): Buffer | undefined {
    for (const key of this.candidates(usage, publicKeyId)) {
      try {
        return privateDecrypt(
          { key: this.#privateKey(key), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
          data,
        )
      } catch {
        // Not this key (or not RSA-OAEP-SHA256 at all): try the next one.
      }
    }
    return undefined
  }

  #privateKey(key: SimulatorKey): KeyObject {
    let object = this.#privateKeys.get(key.publicKeyId)
    if (!object) {
      object = createPrivateKey(key.privateKeyPem)
      this.#privateKeys.set(key.publicKeyId, object)
    }
    return object
  }

  /** Emergency rotation: new keys for both usages, the old ones withdrawn at once. */
  async rotate(now: Date): Promise<void> {
    const fresh = await Promise.all(USAGES.map((usage) => createSimulatorKey(usage, now)))
    this.#keys = [...this.#keys.map((key) => ({ ...key, withdrawn: true })), ...fresh]
    this.#save()
  }
}
