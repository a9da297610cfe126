import { readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tenantFileJsonSchema } from '@ksef-hub/pipeline'
import { describe, expect, it } from 'vitest'
import { findPlugins, registrySource } from './generate.ts'
import { loadConnectors } from './load.ts'

const ROOT = join(import.meta.dirname, '..', '..', '..', '..')

describe('the connector registry', () => {
  it('is generated from plugins/ as it is now, and the worker depends on every plugin', async () => {
    const plugins = await findPlugins(ROOT)
    expect(plugins.map((plugin) => plugin.folder)).toContain('custom')
    const generated = await readFile(join(import.meta.dirname, 'connectors.generated.ts'), 'utf8')
    // A plugin added or removed without `ksef-hub connector registry` fails here.
    expect(generated).toBe(registrySource(plugins))
    const manifest = JSON.parse(await readFile(join(ROOT, 'apps', 'worker', 'package.json'), 'utf8'))
    for (const plugin of plugins) expect(manifest.dependencies[plugin.name]).toBe('workspace:*')
  })

  it('loads the plugins, and the connectors the configuration names by package or module path', async () => {
    const plain = await loadConnectors({})
    expect([...plain.keys()]).toContain('custom')
    const withTest = await loadConnectors({
      KSEF_HUB_CONNECTORS: join(ROOT, 'apps', 'cli', 'src', 'testing', 'test-connector.ts'),
    })
    expect(withTest.get('test-crm')?.capabilities).toEqual(['writeBack', 'webhooks'])
  })

  it('refuses a package that does not load, a module that exports no connector, and two connectors with one id', async () => {
    await expect(loadConnectors({ KSEF_HUB_CONNECTORS: '@ksef-hub/no-such-connector' })).rejects.toThrow(
      /cannot import @ksef-hub\/no-such-connector/,
    )
    const notOne = join(tmpdir(), `not-a-connector-${process.pid}.mjs`)
    await writeFile(notOne, 'export default { id: "x" }\n')
    await expect(loadConnectors({ KSEF_HUB_CONNECTORS: notOne })).rejects.toThrow(/does not export a connector/)
    const twice = join(tmpdir(), `custom-again-${process.pid}.mjs`)
    await writeFile(
      twice,
      `export { default } from ${JSON.stringify(join(ROOT, 'plugins', 'custom', 'src', 'index.ts'))}\n`,
    )
    await expect(loadConnectors({ KSEF_HUB_CONNECTORS: twice })).rejects.toThrow(/two connectors have the id custom/)
  })

  it('publishes tenants/tenant.schema.json with every installed connector, in step with the code', async () => {
    const published = JSON.parse(await readFile(join(ROOT, 'tenants', 'tenant.schema.json'), 'utf8'))
    expect(published).toEqual(tenantFileJsonSchema([...(await loadConnectors({})).values()]))
    const connections = published.properties.connectors
    expect(connections.properties.custom.properties.settings.required).toContain('baseUrl')
    expect(Object.keys(connections.properties.custom.properties.secrets.properties)).toContain('apiKey')
  })
})
