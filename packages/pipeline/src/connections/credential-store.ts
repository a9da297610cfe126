/**
 * A connection's secrets for the SDK's credentials: read from the encrypted store, renewed under a lease on the
 * connection's row. A lease (an owner and an expiry in the row) rather than a transaction held across the token
 * call: the embedded database has one connection, which a transaction open during an HTTP exchange would block for
 * every tenant. The renewed secrets are stored before the lease is released and before anyone uses them.
 *
 * @module
 */
import { randomUUID } from 'node:crypto'
import { ConnectorError, type CredentialStore } from '@ksef-hub/connector-sdk'
import { sql } from 'kysely'
import type { PipelineContext } from '../context.ts'
import { putSecret } from '../secrets/store.ts'
import { connectionSecretName, connectionSecrets } from './connections.ts'

/** How long a renewal may hold the lease (a token call has 30 s), and how long a waiter waits for it. */
const LEASE_SECONDS = 60
const WAIT_MS = 75_000
const POLL_MS = 200

/** The connection a store serves. */
export interface StoredConnection {
  readonly id: string
  readonly tenantId: string
  readonly name: string
}

/**
 * The credential store of a connection.
 *
 * @example
 * ```ts
 * const store = connectionCredentialStore(context, { id, tenantId, name })
 * const secrets = await store.read()
 * ```
 */
export function connectionCredentialStore(
  context: PipelineContext,
  connection: StoredConnection,
): CredentialStore<unknown> {
  const { db, keys } = context
  const read = () => connectionSecrets(db, keys, connection.tenantId, connection.name)
  async function takeLease(owner: string): Promise<void> {
    const deadline = Date.now() + WAIT_MS
    for (;;) {
      const taken = await db
        .updateTable('connections')
        .set({
          credentials_lease_owner: owner,
          credentials_lease_until: sql<Date>`now() + make_interval(secs => ${LEASE_SECONDS})`,
        })
        .where('id', '=', connection.id)
        .where((where) =>
          where.or([
            where('credentials_lease_until', 'is', null),
            where('credentials_lease_until', '<', sql<Date>`now()`),
          ]),
        )
        .returning('id')
        .executeTakeFirst()
      if (taken) return
      if (Date.now() > deadline) {
        throw new ConnectorError(
          'transient',
          `the credentials of connection ${connection.name} are being renewed elsewhere`,
        )
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    }
  }
  return {
    read,
    async renewLocked(renew) {
      const owner = randomUUID()
      await takeLease(owner)
      try {
        const stored = await read()
        const renewed = await renew(stored)
        if (renewed === undefined) return stored
        // Stored whatever became of the lease meanwhile: the system may have retired the old refresh token.
        await putSecret(db, keys, connection.tenantId, connectionSecretName(connection.name), JSON.stringify(renewed))
        return renewed
      } finally {
        await db
          .updateTable('connections')
          .set({ credentials_lease_owner: null, credentials_lease_until: null })
          .where('id', '=', connection.id)
          .where('credentials_lease_owner', '=', owner)
          .execute()
      }
    },
  }
}
