/**
 * `logs.redacted`: no secret value (the fakes' secrets and every renewal the kit stored) appears in any line the
 * connector logged during the whole run, nor in a run of its probe and webhook checks made for this check alone.
 *
 * @module
 */
import { receiveWebhook } from '../../webhooks/receive.ts'
import { createMemoryReplayGuard, findSecretLeaks, redactLine } from '../host.ts'
import { fail } from '../results.ts'
import type { CheckDefinition } from '../session.ts'
import { probe, probeName } from './probe.ts'

/** The `logs.redacted` check. */
export const logsRedacted: CheckDefinition = {
  name: 'logs.redacted',
  notApplicable: () => undefined,
  async run(run) {
    const { connector } = run
    const rig = await run.rig()
    // Its own run too, so the check means something when it is run alone.
    if (probeName(connector)) {
      rig.fake.failNext({ status: 401 })
      await probe(connector, rig).catch(() => undefined)
      await probe(connector, rig).catch(() => undefined)
    }
    if (connector.webhooks && rig.fake.webhook && rig.fake.mappable[0]) {
      const request = await rig.fake.webhook(rig.fake.mappable.slice(0, 1))
      await receiveWebhook(connector, request, rig.webhookContext(), createMemoryReplayGuard())
    }
    const secrets = [...run.secretsSeen, ...rig.store.writes]
    const leaks = findSecretLeaks(run.logs, secrets)
    if (leaks.length > 0) {
      const names = [...new Set(leaks.map((leak) => leak.secret))].join(', ')
      const first = redactLine(run.logs[leaks[0]?.line ?? 0] ?? '', secrets).slice(0, 300)
      fail(`${leaks.length} of ${run.logs.length} log lines carry secrets (${names}); the first: ${first}`)
    }
    return `${run.logs.length} log lines, no secret in any`
  },
}
