import { describe, expect, it } from 'vitest'
import type { OAuth2Auth } from '../contract/auth.ts'
import type { ConnectorLogger } from '../contract/context.ts'
import type { HttpClient } from '../contract/http.ts'
import { ConnectorError } from '../errors.ts'
import { type CredentialStore, createCredentials, withFreshCredentials } from './credentials.ts'

interface Secrets {
  readonly accessToken: string
  readonly refreshToken: string
  /** ISO 8601; absent before the first token. */
  readonly expiresAt?: string
}

const NOW = new Date('2026-11-20T10:00:00Z')
const inMinutes = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString()
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const logger: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} }
const http = {} as HttpClient

/** A store as the hub keeps one: a lock that others wait for, the secrets written before the lock is let go. */
function lockedStore(initial: Secrets) {
  let content = initial
  let lock: Promise<unknown> = Promise.resolve()
  const log: string[] = []
  const store: CredentialStore<Secrets> & { content: Secrets; log: string[]; failWrites: boolean } = {
    get content() {
      return content
    },
    set content(value) {
      content = value
    },
    log,
    failWrites: false,
    read: async () => ({ ...content }),
    renewLocked(renew) {
      const run = lock.then(async () => {
        // Taking the lock is a round trip to the database.
        await pause(1)
        const renewed = await renew({ ...content })
        if (renewed !== undefined) {
          if (store.failWrites) throw new Error('database unavailable')
          content = { ...renewed }
          log.push(`stored ${renewed.accessToken}`)
        }
        return { ...content }
      })
      lock = run.catch(() => {})
      return run
    },
  }
  return store
}

/** An OAuth 2 declaration whose refresh rotates both tokens, slowly, and counts itself. */
function rotating(options: { fails?: ConnectorError } = {}) {
  let count = 0
  const auth: OAuth2Auth<unknown, Secrets> & { readonly count: number } = {
    kind: 'oauth2',
    get count() {
      return count
    },
    expiresAt: (secrets) => (secrets.expiresAt ? new Date(secrets.expiresAt) : undefined),
    async refresh({ secrets, now }) {
      count++
      await pause(5)
      if (options.fails) throw options.fails
      return {
        accessToken: `access-${count}`,
        refreshToken: `${secrets.refreshToken}>${count}`,
        expiresAt: new Date(now().getTime() + 3_600_000).toISOString(),
      }
    },
  }
  return auth
}

const credentialsOf = (store: CredentialStore<Secrets>, auth: OAuth2Auth<unknown, Secrets> | { kind: 'static' }) =>
  createCredentials<unknown, Secrets>({ auth, settings: {}, store, http, logger, now: () => NOW })

describe('static secrets', () => {
  it('are returned as stored, and cannot be renewed', async () => {
    const store = lockedStore({ accessToken: 'api-key', refreshToken: '' })
    const credentials = credentialsOf(store, { kind: 'static' })
    expect(await credentials.current()).toEqual({ accessToken: 'api-key', refreshToken: '' })
    await expect(credentials.renew()).rejects.toMatchObject({ kind: 'auth' })
    await expect(withFreshCredentials(credentials, async () => 'ok')).resolves.toBe('ok')
  })
})

describe('OAuth 2 access tokens', () => {
  it('are used as they are while they are valid for more than the margin', async () => {
    const store = lockedStore({ accessToken: 'a0', refreshToken: 'r0', expiresAt: inMinutes(2) })
    const auth = rotating()
    expect((await credentialsOf(store, auth).current()).accessToken).toBe('a0')
    expect(auth.count).toBe(0)
  })

  it('are renewed once when about to expire, even when ten calls ask at once', async () => {
    const store = lockedStore({ accessToken: 'a0', refreshToken: 'r0', expiresAt: inMinutes(0.5) })
    const auth = rotating()
    const credentials = credentialsOf(store, auth)
    const all = await Promise.all(Array.from({ length: 10 }, () => credentials.current()))
    expect(auth.count).toBe(1)
    expect(new Set(all.map((secrets) => secrets.accessToken))).toEqual(new Set(['access-1']))
  })

  it('are renewed once when ten workers (each its own credentials) ask at once', async () => {
    const store = lockedStore({ accessToken: 'a0', refreshToken: 'r0' })
    const auth = rotating()
    const all = await Promise.all(Array.from({ length: 10 }, () => credentialsOf(store, auth).current()))
    expect(auth.count).toBe(1)
    expect(all.every((secrets) => secrets.refreshToken === 'r0>1')).toBe(true)
  })

  it('are stored before they are handed out: a failed write hands out nothing', async () => {
    const store = lockedStore({ accessToken: 'a0', refreshToken: 'r0', expiresAt: inMinutes(-1) })
    const credentials = credentialsOf(store, rotating())
    const renewed = await credentials.current()
    expect(store.content).toEqual(renewed)
    expect(store.log).toEqual(['stored access-1'])

    store.content = { accessToken: 'a0', refreshToken: 'r0', expiresAt: inMinutes(-1) }
    store.failWrites = true
    await expect(credentials.current()).rejects.toThrow('database unavailable')
  })

  it("are taken from another worker's renewal that finished while this one waited for the lock", async () => {
    const store = lockedStore({ accessToken: 'a0', refreshToken: 'r0', expiresAt: inMinutes(0) })
    const auth = rotating()
    // Another worker holds the lock and renews (slowly) just as this one finds the token expired.
    const elsewhere = store.renewLocked(async () => {
      await pause(20)
      return { accessToken: 'other', refreshToken: 'r-other', expiresAt: inMinutes(60) }
    })
    const secrets = await credentialsOf(store, auth).current()
    await elsewhere
    expect(secrets.accessToken).toBe('other')
    expect(auth.count).toBe(0)
  })

  it('are renewed after a 401 although they looked valid, and stored', async () => {
    const store = lockedStore({ accessToken: 'a0', refreshToken: 'r0', expiresAt: inMinutes(30) })
    const auth = rotating()
    const credentials = credentialsOf(store, auth)
    await credentials.current()
    const renewed = await credentials.renew()
    expect(renewed.accessToken).toBe('access-1')
    expect(store.content.refreshToken).toBe('r0>1')
    expect(auth.count).toBe(1)
  })

  it('are not renewed after a 401 when another worker renewed them since they were read', async () => {
    const store = lockedStore({ accessToken: 'a0', refreshToken: 'r0', expiresAt: inMinutes(30) })
    const auth = rotating()
    const credentials = credentialsOf(store, auth)
    await credentials.current()
    store.content = { accessToken: 'other', refreshToken: 'r-other', expiresAt: inMinutes(60) }
    expect((await credentials.renew()).accessToken).toBe('other')
    expect(auth.count).toBe(0)
  })

  it('are renewed once when two calls of one piece of work get a 401 with the same token', async () => {
    const store = lockedStore({ accessToken: 'a0', refreshToken: 'r0', expiresAt: inMinutes(30) })
    const auth = rotating()
    const credentials = credentialsOf(store, auth)
    const call = async (secrets: Secrets) => {
      await pause(1)
      if (secrets.accessToken === 'a0') throw new ConnectorError('auth', 'GET /x answered 401', { status: 401 })
      return secrets.accessToken
    }
    const answers = await Promise.all([
      withFreshCredentials(credentials, call),
      withFreshCredentials(credentials, call),
    ])
    expect(answers).toEqual(['access-1', 'access-1'])
    // A second renewal would have spent the refresh token the first had just rotated in.
    expect(auth.count).toBe(1)
  })

  it("are not renewed again for a call whose 401 came after another call's renewal", async () => {
    const store = lockedStore({ accessToken: 'a0', refreshToken: 'r0', expiresAt: inMinutes(30) })
    const auth = rotating()
    const credentials = credentialsOf(store, auth)
    const call = (ms: number) => async (secrets: Secrets) => {
      await pause(ms)
      if (secrets.accessToken === 'a0') throw new ConnectorError('auth', 'GET /x answered 401', { status: 401 })
      return secrets.accessToken
    }
    // Both read a0; the slow call's 401 comes once the quick one has renewed.
    const answers = await Promise.all([
      withFreshCredentials(credentials, call(1)),
      withFreshCredentials(credentials, call(60)),
    ])
    expect(answers).toEqual(['access-1', 'access-1'])
    expect(auth.count).toBe(1)
  })

  it('propagate a refused refresh as auth, and let go of the lock', async () => {
    const store = lockedStore({ accessToken: 'a0', refreshToken: 'r0', expiresAt: inMinutes(-5) })
    const refused = new ConnectorError('auth', 'the token endpoint refused the grant (invalid_grant)', { status: 400 })
    await expect(credentialsOf(store, rotating({ fails: refused })).current()).rejects.toBe(refused)
    expect(store.content.accessToken).toBe('a0')
    // The next piece of work (the tenant re-authorized) gets the lock.
    const auth = rotating()
    expect((await credentialsOf(store, auth).current()).accessToken).toBe('access-1')
  })
})

describe('withFreshCredentials', () => {
  it('renews once on a 401 and calls again with the new secrets', async () => {
    const store = lockedStore({ accessToken: 'a0', refreshToken: 'r0', expiresAt: inMinutes(30) })
    const auth = rotating()
    const used: string[] = []
    const answer = await withFreshCredentials(credentialsOf(store, auth), async (secrets) => {
      used.push(secrets.accessToken)
      if (secrets.accessToken === 'a0') throw new ConnectorError('auth', 'GET /x answered 401', { status: 401 })
      return 'done'
    })
    expect(answer).toBe('done')
    expect(used).toEqual(['a0', 'access-1'])
    expect(auth.count).toBe(1)
  })

  it('gives up on the second 401: the grant is gone', async () => {
    const store = lockedStore({ accessToken: 'a0', refreshToken: 'r0', expiresAt: inMinutes(30) })
    const auth = rotating()
    let calls = 0
    const outcome = withFreshCredentials(credentialsOf(store, auth), async () => {
      calls++
      throw new ConnectorError('auth', 'GET /x answered 401', { status: 401 })
    })
    await expect(outcome).rejects.toMatchObject({ kind: 'auth', status: 401 })
    expect(calls).toBe(2)
    expect(auth.count).toBe(1)
  })

  it('renews nothing for other failures', async () => {
    const store = lockedStore({ accessToken: 'a0', refreshToken: 'r0', expiresAt: inMinutes(30) })
    const auth = rotating()
    const forbidden = new ConnectorError('forbidden', 'GET /x answered 403', { status: 403 })
    await expect(
      withFreshCredentials(credentialsOf(store, auth), async () => {
        throw forbidden
      }),
    ).rejects.toBe(forbidden)
    expect(auth.count).toBe(0)
  })
})
