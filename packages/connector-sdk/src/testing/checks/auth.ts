/**
 * `auth.rotation` (OAuth 2 connectors): when the access token expires, two workers at once renew it once (the
 * second waits for the lock and finds the renewed secrets); the refresh token the system accepts afterwards is the
 * one stored; no request carries a renewed secret before it was stored; and a new worker, reading only the store,
 * renews again with what was stored.
 *
 * @module
 */
import { secretValues, type Timeline, type TimelineEvent } from '../host.ts'
import { describeError, fail } from '../results.ts'
import type { CheckDefinition } from '../session.ts'
import { noProbe, probe } from './probe.ts'

type Request = Extract<TimelineEvent, { kind: 'request' }>

/** Requests that carried a value of `fresh` before the write that stored it. */
function usedBeforeStored(timeline: Timeline, fresh: readonly string[]): Request[] {
  const firstWrite = new Map<string, number>()
  for (const event of timeline.events) {
    if (event.kind !== 'write') continue
    for (const value of secretValues(event.secrets)) if (!firstWrite.has(value)) firstWrite.set(value, event.sequence)
  }
  return timeline.events.filter(
    (event): event is Request =>
      event.kind === 'request' &&
      fresh.some((value) => event.text.includes(value) && event.sequence < (firstWrite.get(value) ?? Infinity)),
  )
}

/** The `auth.rotation` check. */
export const authRotation: CheckDefinition = {
  name: 'auth.rotation',
  notApplicable: (connector) =>
    connector.auth?.kind !== 'oauth2' ? 'the connector does not use OAuth 2: nothing to renew' : noProbe(connector),
  async run(run) {
    const { connector } = run
    const rig = await run.rig()
    const { fake, store } = rig
    if (!fake.expireAccessToken) fail('the fake cannot expire the access token: implement expireAccessToken()')
    await rig.context().credentials.current()
    const original = store.stored()
    const before = store.writes.length
    fake.expireAccessToken()
    const workers = await Promise.allSettled([probe(connector, rig), probe(connector, rig)])
    const failed = workers.find((worker) => worker.status === 'rejected')
    if (failed) fail(`after the access token expired, a worker failed: ${describeError(failed.reason)}`)
    const renewals = store.writes.length - before
    if (renewals !== 1) fail(`two workers facing an expired access token stored ${renewals} renewals, expected 1`)
    const stored = store.stored()
    const previous = new Set(secretValues(original))
    const fresh = secretValues(stored).filter((value) => !previous.has(value))
    if (fresh.length === 0) fail('the renewal stored the same secrets: the renewed access token was not kept')
    const early = usedBeforeStored(rig.timeline, fresh)
    if (early.length > 0) {
      fail(`${early[0]?.method} ${early[0]?.url} carried a renewed secret before the renewal was stored`)
    }
    let rotation = 'the system does not rotate its refresh token'
    if (fake.currentRefreshToken) {
      const accepted = fake.currentRefreshToken()
      if (!secretValues(stored).includes(accepted)) {
        fail('the refresh token the system accepts now is not among the stored secrets: the rotated token was lost')
      }
      if (!previous.has(accepted)) rotation = 'the rotated refresh token was stored'
    }
    // A worker started after the renewal knows only the store: renewing again proves what was stored works.
    fake.expireAccessToken()
    try {
      await probe(connector, rig)
    } catch (error) {
      fail(`a second renewal, from the stored secrets alone, failed: ${describeError(error)}`)
    }
    if (store.writes.length - before !== 2) fail('a second expiry did not lead to a second stored renewal')
    return `one renewal for two workers, stored before use; ${rotation}; a second renewal from the store works`
  },
}
