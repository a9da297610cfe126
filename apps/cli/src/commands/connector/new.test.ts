import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { captureIo } from '../../io.ts'
import { newCommand } from './new.ts'
import { createWorkspace, tool, type Workspace } from './new.workspace.ts'

describe('connector new', () => {
  let workspace: Workspace

  beforeAll(async () => {
    workspace = await createWorkspace('acme-erp')
  })
  afterAll(() => workspace?.remove())

  it('writes plugins/<name>: a workspace package the hub finds, and prints the next steps', async () => {
    expect(workspace.created).toMatchObject({ code: 0, err: '' })
    expect(workspace.created.out).toContain('Created plugins/acme-erp: connector "acme-erp"')
    expect(workspace.created.out).toContain('  pnpm install\n  pnpm -s ksef-hub connector check plugins/acme-erp\n')
    const manifest = JSON.parse(await readFile(join(workspace.plugin, 'package.json'), 'utf8'))
    expect(manifest).toMatchObject({
      name: '@ksef-hub/connector-acme-erp',
      type: 'module',
      ksefHub: { connector: './src/index.ts' },
      dependencies: { '@ksef-hub/connector-sdk': 'workspace:*' },
    })
    expect(JSON.parse(await readFile(join(workspace.plugin, 'tsconfig.json'), 'utf8'))).toEqual({
      extends: '../../tsconfig.base.json',
      include: ['src', 'fake', 'conformance.ts'],
    })
    const index = await readFile(join(workspace.plugin, 'src', 'index.ts'), 'utf8')
    expect(index).toContain("id: 'acme-erp',")
    expect(index).toContain("displayName: 'Acme Erp',")
    expect(index).not.toMatch(/__[A-Z_]+__/)
  })

  it('generates files that pass biome and tsc as they are', async () => {
    const biome = await tool(workspace, 'biome', ['plugins/acme-erp'])
    expect(biome.output).toMatch(/Checked 1[0-9] files/)
    expect(biome).toMatchObject({ code: 0 })
    expect(await tool(workspace, 'tsc', ['-p', 'plugins/acme-erp'])).toEqual({ code: 0, output: '' })
  }, 180_000)

  it('refuses a folder that exists, touching nothing in it', async () => {
    const before = await readFile(join(workspace.plugin, 'src', 'index.ts'), 'utf8')
    const io = captureIo({ cwd: workspace.root })
    expect(await newCommand.run(['acme-erp'], io)).toBe(1)
    expect(io.err()).toBe(
      'ksef-hub connector new: plugins/acme-erp already exists; choose another name or remove it first\n',
    )
    expect(await readFile(join(workspace.plugin, 'src', 'index.ts'), 'utf8')).toBe(before)
  })

  it.each([
    ['Acme', 'upper case'],
    ['1acme', 'a leading digit'],
    ['acme-', 'a trailing hyphen'],
    ['ac--me', 'a doubled hyphen'],
    ['a', 'one letter'],
    ['../escape', 'a path'],
    [`a${'b'.repeat(41)}`, '42 letters'],
  ])('refuses the name %s (%s) with a usage error', async (name) => {
    const io = captureIo({ cwd: workspace.root })
    expect(await newCommand.run([name], io)).toBe(2)
    expect(io.err()).toContain(`"${name}" is not a connector name: 2-41 lower-case letters, digits and single hyphens`)
    expect(io.out()).toBe('')
  })

  it('puts the plugin under --dir and reports it as JSON', async () => {
    const io = captureIo({ cwd: workspace.root })
    expect(await newCommand.run(['beta', '--dir', 'vendor/plugins', '--json'], io)).toBe(0)
    const report = JSON.parse(io.out())
    expect(report).toMatchObject({
      name: 'beta',
      directory: 'vendor/plugins/beta',
      package: '@ksef-hub/connector-beta',
    })
    expect(report.files).toEqual([
      'README.md',
      'conformance.ts',
      'fake/index.ts',
      'fake/seed.ts',
      'package.json',
      'src/api.ts',
      'src/conformance.test.ts',
      'src/index.ts',
      'src/map.ts',
      'src/webhooks.ts',
      'tsconfig.json',
    ])
    const readme = await readFile(join(workspace.root, 'vendor', 'plugins', 'beta', 'README.md'), 'utf8')
    expect(readme).toContain('# Beta connector')
  })

  it('asks for a name', async () => {
    const io = captureIo({ cwd: workspace.root })
    expect(await newCommand.run([], io)).toBe(2)
    expect(io.err()).toContain('give the connector name')
  })
})
