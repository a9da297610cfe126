/**
 * `declaration`: the connector is what it says it is. Its capabilities are the ones it implements, its schemas
 * accept the fake's settings and secrets, its hosts cover every URL in the fake's settings, its limits are sane,
 * and the fake gives the kit what the declared capabilities need.
 *
 * @module
 */
import { isValidNip } from '@ksef-hub/fa3'
import { CAPABILITIES, type Capability, isConnector } from '../../contract/definition.ts'
import { checkConnection, describeProblems } from '../../runtime/schemas.ts'
import { fail } from '../results.ts'
import type { CheckDefinition } from '../session.ts'

function urlsIn(value: unknown, path: string): [string, string][] {
  if (typeof value === 'string') return /^https?:\/\//i.test(value) ? [[path, value]] : []
  if (Array.isArray(value)) return value.flatMap((item, index) => urlsIn(item, `${path}[${index}]`))
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => urlsIn(item, `${path}.${key}`))
  }
  return []
}

function originOf(value: string): string | undefined {
  try {
    return new URL(value).origin
  } catch {
    return undefined
  }
}

/** The fake members each declared capability (or OAuth) needs. */
function missingFakeMembers(
  capabilities: readonly Capability[],
  oauth: boolean,
  fake: Record<string, unknown>,
): string[] {
  const needs: [boolean, string][] = [
    [capabilities.includes('webhooks'), 'webhook'],
    [capabilities.includes('importIncoming'), 'importEffects'],
    [oauth, 'expireAccessToken'],
  ]
  return needs.filter(([needed, member]) => needed && typeof fake[member] !== 'function').map(([, member]) => member)
}

/** The `declaration` check. */
export const declaration: CheckDefinition = {
  name: 'declaration',
  notApplicable: () => undefined,
  async run(run) {
    const { connector } = run
    if (!isConnector(connector)) fail('the harness connector is not a connector of this SDK (use defineConnector)')
    const implemented = CAPABILITIES.filter((capability) => connector[capability] !== undefined)
    if (implemented.join() !== connector.capabilities.join()) {
      fail(`capabilities [${connector.capabilities.join(', ')}] differ from implemented [${implemented.join(', ')}]`)
    }
    const rig = await run.rig()
    const { fake } = rig
    const checked = checkConnection(connector, fake.settings, fake.secrets)
    if (!checked.ok) fail(`the connector's schemas refuse the fake's ${describeProblems(checked.problems)}`)
    const hosts = connector.hosts(checked.settings)
    const origins = new Set(hosts.map((host) => originOf(host)))
    if (origins.has(undefined)) fail(`hosts(settings) must be absolute URLs; got ${JSON.stringify(hosts)}`)
    const uncovered = urlsIn(fake.settings, 'settings').filter(([, url]) => !origins.has(originOf(url)))
    if (uncovered.length > 0) {
      fail(`hosts(settings) do not cover ${uncovered.map(([path, url]) => `${path} (${url})`).join(', ')}`)
    }
    const limits = connector.limits?.(checked.settings) ?? {}
    for (const [name, value] of Object.entries(limits)) {
      if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
        fail(`limits(settings).${name} must be a positive integer, not ${value}`)
      }
    }
    if (!isValidNip(fake.tenant.nip)) fail(`the fake's tenant NIP ${fake.tenant.nip} is not a valid NIP`)
    if (connector.map && fake.mappable.length === 0) fail('the fake lists no mappable documents')
    const unmappable = new Set(fake.unmappable.map((item) => item.ref))
    const both = fake.mappable.filter((ref) => unmappable.has(ref))
    if (both.length > 0) fail(`documents listed both mappable and unmappable: ${both.join(', ')}`)
    const missing = missingFakeMembers(
      connector.capabilities,
      connector.auth?.kind === 'oauth2',
      fake as unknown as Record<string, unknown>,
    )
    if (missing.length > 0) fail(`the fake lacks what the declared capabilities need: ${missing.join(', ')}`)
    return `${connector.id} ${connector.version}: [${connector.capabilities.join(', ')}], ${connector.auth?.kind ?? 'static'} auth, hosts ${hosts.join(' ')}`
  },
}
