/**
 * A connection's credentials, renewed under the connection's lock. The rule for rotating refresh tokens: the new
 * secrets are stored (by the store, before the lock is released) before any caller gets them, so a crash after
 * the renewal cannot leave the hub holding a refresh token the system has already replaced. Whoever waited for the
 * lock finds the renewed secrets and does not renew again.
 *
 * @module
 */
import type { AuthDeclaration, Credentials } from '../contract/auth.ts'
import type { ConnectorLogger } from '../contract/context.ts'
import type { HttpClient } from '../contract/http.ts'
import { ConnectorError, isConnectorError } from '../errors.ts'

/** Where a connection's secrets live: the hub's encrypted store, or the conformance kit's memory. */
export interface CredentialStore<Secrets> {
  /** The secrets as stored now. */
  read(): Promise<Secrets>
  /**
   * Runs `renew` holding the connection's refresh lock (others wait), with the secrets as stored once the lock is
   * held; stores what it returns before releasing the lock, and returns what is stored then.
   */
  renewLocked(renew: (stored: Secrets) => Promise<Secrets | undefined>): Promise<Secrets>
}

/** What {@link createCredentials} needs. */
export interface CredentialsOptions<Settings, Secrets> {
  readonly auth: AuthDeclaration<Settings, Secrets> | undefined
  readonly settings: Settings
  readonly store: CredentialStore<Secrets>
  readonly http: HttpClient
  readonly logger: ConnectorLogger
  readonly now: () => Date
  /** Renew a token that expires within this long (default 60 s). */
  readonly marginMs?: number
}

/**
 * The credentials of one connection for one piece of work.
 *
 * @example
 * ```ts
 * const credentials = createCredentials({ auth: connector.auth, settings, store, http, logger, now })
 * const { accessToken } = await credentials.current()
 * ```
 */
export function createCredentials<Settings, Secrets>(
  options: CredentialsOptions<Settings, Secrets>,
): Credentials<Secrets> {
  const { auth, store, now } = options
  const margin = options.marginMs ?? 60_000
  let seen: string | undefined
  const fresh = (secrets: Secrets) => {
    if (auth?.kind !== 'oauth2') return true
    const expires = auth.expiresAt(secrets)
    return expires !== undefined && expires.getTime() - now().getTime() > margin
  }
  const refresh = async (stored: Secrets) => {
    if (auth?.kind !== 'oauth2') throw new ConnectorError('auth', 'the credentials were refused and cannot be renewed')
    options.logger.info({}, 'renewing the access token')
    return auth.refresh({
      settings: options.settings,
      secrets: stored,
      http: options.http,
      logger: options.logger,
      now,
    })
  }
  const remember = (secrets: Secrets) => {
    seen = JSON.stringify(secrets)
    return secrets
  }
  return {
    renewable: auth?.kind === 'oauth2',
    async current() {
      const stored = await store.read()
      if (fresh(stored)) return remember(stored)
      return remember(await store.renewLocked(async (latest) => (fresh(latest) ? undefined : refresh(latest))))
    },
    async renew() {
      // Renewed by another worker (or another call of this one) since this one read them: those are the secrets to
      // try. Compared with what was handed out when the 401 came, not when the lock is held: two calls refused at
      // once both renewed, as the first's renewal became `seen` before the second held the lock.
      const refused = seen
      return remember(
        await store.renewLocked(async (latest) =>
          refused !== undefined && JSON.stringify(latest) !== refused ? undefined : refresh(latest),
        ),
      )
    },
  }
}

/**
 * Runs a call with the current secrets; when the system answers 401 to a token that looked valid, renews once and
 * runs it again. A second 401 is an `auth` error: the grant is gone and the connection needs re-authorization.
 *
 * @example
 * ```ts
 * const invoice = await withFreshCredentials(context.credentials, (secrets) =>
 *   context.http.request({ url, headers: { authorization: `Bearer ${secrets.accessToken}` } }),
 * )
 * ```
 */
export async function withFreshCredentials<Secrets, T>(
  credentials: Credentials<Secrets>,
  call: (secrets: Secrets) => Promise<T>,
): Promise<T> {
  const used = await credentials.current()
  try {
    return await call(used)
  } catch (error) {
    // Static secrets refused are refused: the system's own answer is the error worth keeping.
    if (!isConnectorError(error) || error.kind !== 'auth' || !credentials.renewable) throw error
    // Another call renewed them since this one read them (its 401 came first): the renewed secrets are this call's
    // second chance. Renewing again would spend the refresh token that renewal had just rotated in.
    const latest = await credentials.current()
    if (JSON.stringify(latest) !== JSON.stringify(used)) return call(latest)
    return call(await credentials.renew())
  }
}
