/**
 * Online sessions the hub keeps open per tenant: reused by every worker while valid (their AES key is stored
 * encrypted with the master key, so any process can resume them), and closed on time.
 *
 * @module
 */
import type { OnlineSession, SessionKey } from '@ksef-hub/ksef-client'
import type { PipelineContext } from '../context.ts'
import type { TenantClient } from '../ksef/clients.ts'
import { open, type Sealed, seal } from '../secrets/envelope.ts'

// A session is not used within this margin of its end, nor past this many invoices (KSeF allows 10,000).
const VALIDITY_MARGIN_MS = 30 * 60_000
const MAX_INVOICES = 9_500

function sealKey(context: PipelineContext, reference: string, key: SessionKey): Buffer {
  const sealed = seal(
    context.keys,
    Buffer.from(JSON.stringify({ key: key.key.toString('base64'), iv: key.iv.toString('base64') })),
    `session:${reference}`,
  )
  return Buffer.from(
    JSON.stringify({
      keyId: sealed.keyId,
      wrappedKey: sealed.wrappedKey.toString('base64'),
      iv: sealed.iv.toString('base64'),
      tag: sealed.tag.toString('base64'),
      ciphertext: sealed.ciphertext.toString('base64'),
    }),
  )
}

function openKey(context: PipelineContext, reference: string, material: Uint8Array): SessionKey {
  const stored = JSON.parse(Buffer.from(material).toString('utf8')) as Record<keyof Sealed, string>
  const sealed: Sealed = {
    keyId: stored.keyId,
    wrappedKey: Buffer.from(stored.wrappedKey, 'base64'),
    iv: Buffer.from(stored.iv, 'base64'),
    tag: Buffer.from(stored.tag, 'base64'),
    ciphertext: Buffer.from(stored.ciphertext, 'base64'),
  }
  const { key, iv } = JSON.parse(open(context.keys, sealed, `session:${reference}`).toString('utf8')) as {
    key: string
    iv: string
  }
  return { key: Buffer.from(key, 'base64'), iv: Buffer.from(iv, 'base64') }
}

/**
 * The tenants' online sessions.
 *
 * @example
 * ```ts
 * const session = await sessions.acquire(tenantClient)
 * await session.sendInvoice(bytes)
 * ```
 */
export class OnlineSessions {
  readonly #context: PipelineContext
  readonly #cache = new Map<string, OnlineSession>()
  /** Acquisitions in flight, by tenant: fetchers that ask at once share one, rather than each opening a session. */
  readonly #acquiring = new Map<string, Promise<OnlineSession>>()

  constructor(context: PipelineContext) {
    this.#context = context
  }

  /** An open session of the tenant, resumed or opened (and stored before it is used). */
  acquire(tc: TenantClient): Promise<OnlineSession> {
    const pending = this.#acquiring.get(tc.tenant.id)
    if (pending) return pending
    const acquisition = this.#acquire(tc).finally(() => this.#acquiring.delete(tc.tenant.id))
    this.#acquiring.set(tc.tenant.id, acquisition)
    return acquisition
  }

  async #acquire({ tenant, client }: TenantClient): Promise<OnlineSession> {
    const now = this.#context.now()
    const usable = (validUntil: Date) => validUntil.getTime() - now.getTime() > VALIDITY_MARGIN_MS
    const cached = this.#cache.get(tenant.id)
    if (cached && !cached.closed && usable(cached.validUntil)) {
      // Another worker may have closed it (idle chore) or retired it: the database says whether it is still open.
      const current = await this.#context.db
        .selectFrom('ksef_sessions')
        .select('status')
        .where('reference_number', '=', cached.referenceNumber)
        .executeTakeFirst()
      if (current?.status === 'open') return cached
      cached.retire()
      this.#cache.delete(tenant.id)
    }
    const row = await this.#context.db
      .selectFrom('ksef_sessions')
      .select(['reference_number', 'valid_until', 'key_material'])
      .where('tenant_id', '=', tenant.id)
      .where('kind', '=', 'online')
      .where('status', '=', 'open')
      .where('invoice_count', '<', MAX_INVOICES)
      .where('valid_until', '>', new Date(now.getTime() + VALIDITY_MARGIN_MS))
      .orderBy('opened_at', 'desc')
      .executeTakeFirst()
    let session: OnlineSession
    if (row?.key_material && row.valid_until) {
      session = client.resumeOnlineSession(
        row.reference_number,
        row.valid_until,
        openKey(this.#context, row.reference_number, row.key_material),
      )
    } else {
      session = await client.openOnlineSession()
      await this.#context.db
        .insertInto('ksef_sessions')
        .values({
          reference_number: session.referenceNumber,
          tenant_id: tenant.id,
          kind: 'online',
          status: 'open',
          valid_until: session.validUntil,
          key_material: sealKey(this.#context, session.referenceNumber, session.keyMaterial()),
          closed_at: null,
          processed_at: null,
        })
        .execute()
    }
    this.#cache.set(tenant.id, session)
    return session
  }

  /** Counts invoices sent into a session (KSeF caps a session at 10,000). */
  async used(reference: string, count = 1): Promise<void> {
    await this.#context.db
      .updateTable('ksef_sessions')
      .set((eb) => ({ invoice_count: eb('invoice_count', '+', count), last_used_at: this.#context.now() }))
      .where('reference_number', '=', reference)
      .execute()
  }

  /** Stops using a session KSeF reports as closed or unknown. */
  async retire(tenantId: string, reference: string): Promise<void> {
    this.#cache.get(tenantId)?.retire()
    this.#cache.delete(tenantId)
    await this.#context.db
      .updateTable('ksef_sessions')
      .set({ status: 'closed', closed_at: this.#context.now() })
      .where('reference_number', '=', reference)
      .where('status', '=', 'open')
      .execute()
  }

  /**
   * Closes online sessions idle for `idleMs` or near their end, so KSeF issues their session UPOs.
   *
   * @returns the reference numbers closed
   */
  async closeDue(clientFor: (tenantId: string) => Promise<TenantClient>, idleMs: number): Promise<string[]> {
    const now = this.#context.now()
    const due = await this.#context.db
      .selectFrom('ksef_sessions')
      .select(['reference_number', 'tenant_id', 'valid_until', 'key_material'])
      .where('kind', '=', 'online')
      .where('status', '=', 'open')
      .where((eb) =>
        eb.or([
          eb('last_used_at', '<', new Date(now.getTime() - idleMs)),
          eb('valid_until', '<', new Date(now.getTime() + VALIDITY_MARGIN_MS)),
        ]),
      )
      .execute()
    const closed: string[] = []
    for (const row of due) {
      const tenantClient = await clientFor(row.tenant_id)
      if (!row.key_material || !row.valid_until) continue
      const session = tenantClient.client.resumeOnlineSession(
        row.reference_number,
        row.valid_until,
        openKey(this.#context, row.reference_number, row.key_material),
      )
      try {
        await session.close()
      } catch (error) {
        // Closed already, or gone: either way it takes no more invoices.
        this.#context.logger.warn(
          { session: row.reference_number, error: String(error) },
          'closing an online session failed',
        )
      }
      await this.retire(row.tenant_id, row.reference_number)
      closed.push(row.reference_number)
    }
    return closed
  }
}
