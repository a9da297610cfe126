import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CHECK_NAMES } from '@ksef-hub/connector-sdk/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { captureIo } from '../../io.ts'
import { checkCommand, lineOf } from './check.ts'
import { newCommand } from './new.ts'
import { createWorkspace, linkDependencies, type Workspace } from './new.workspace.ts'

// What a freshly scaffolded plugin declares (static auth, no import): the rest of the kit applies to it.
const NOT_APPLICABLE = ['auth.rotation', 'importIncoming.once']

describe('connector check', () => {
  let workspace: Workspace

  beforeAll(async () => {
    workspace = await createWorkspace('acme-erp')
  })
  afterAll(() => workspace?.remove())

  it('passes a freshly scaffolded plugin: exit 0, one line per check', async () => {
    const io = captureIo({ cwd: workspace.root })
    const code = await checkCommand.run(['plugins/acme-erp'], io)
    expect(io.out().trimEnd().split('\n')).toEqual(
      CHECK_NAMES.map((name) =>
        NOT_APPLICABLE.includes(name) ? expect.stringMatching(`^- ${name}: not applicable \\(`) : `✓ ${name}`,
      ),
    )
    expect(io.err()).toBe('acme-erp: 14 of 14 applicable checks passed\n')
    expect(code).toBe(0)
  }, 60_000)

  it('fails a plugin whose write-back no longer reads first: exit 1, the check that caught it says why', async () => {
    const io = captureIo({ cwd: workspace.root })
    expect(await newCommand.run(['broken'], io)).toBe(0)
    const plugin = join(workspace.root, 'plugins', 'broken')
    await linkDependencies(plugin)
    const index = join(plugin, 'src', 'index.ts')
    const source = await readFile(index, 'utf8')
    const readFirst =
      "if (current.notes.some((note) => note.text.includes(result.ksefNumber))) return { method: 'already' }"
    expect(source).toContain(readFirst)
    await writeFile(index, source.replace(readFirst, ''))
    const check = captureIo({ cwd: workspace.root })
    const code = await checkCommand.run(['plugins/broken', '--only', 'declaration,writeBack.once'], check)
    expect(check.out()).toBe(
      '✓ declaration\n✗ writeBack.once: writing back twice left 2 effects of the KSeF number in inv-1001\n',
    )
    expect(code).toBe(1)
  }, 60_000)

  it('prints the results as JSON with --json', async () => {
    const io = captureIo({ cwd: workspace.root })
    expect(await checkCommand.run(['plugins/acme-erp', '--only', 'webhooks.forged', '--json'], io)).toBe(0)
    expect(JSON.parse(io.out())).toEqual([
      { name: 'webhooks.forged', status: 'passed', detail: 'refused: signature mismatch' },
    ])
  })

  it('refuses a folder without conformance.ts, an unknown check and a bad timeout (exit 2)', async () => {
    const cases = [
      [['plugins'], 'plugins/conformance.ts not found'],
      [['plugins/acme-erp', '--only', 'writeBack.twice'], 'unknown check writeBack.twice'],
      [['plugins/acme-erp', '--timeout-ms', '5'], '--timeout-ms must be a whole number from 50 to 60000'],
      [[], 'give one plugin folder'],
    ] as const
    for (const [args, message] of cases) {
      const io = captureIo({ cwd: workspace.root })
      expect(await checkCommand.run([...args], io)).toBe(2)
      expect(io.err()).toContain(message)
    }
  })

  it('refuses a conformance.ts that does not export a harness (exit 2)', async () => {
    const other = join(workspace.root, 'plugins', 'not-a-harness')
    await newCommand.run(['not-a-harness'], captureIo({ cwd: workspace.root }))
    await writeFile(join(other, 'conformance.ts'), 'export default { connector: {}, start: () => undefined }\n')
    const io = captureIo({ cwd: workspace.root })
    expect(await checkCommand.run(['plugins/not-a-harness'], io)).toBe(2)
    expect(io.err()).toContain('plugins/not-a-harness/conformance.ts must default-export { connector, start }')
  })

  it('writes each status as its own line form', () => {
    expect(lineOf({ name: 'errors.429', status: 'passed', detail: 'rate_limit' })).toBe('✓ errors.429')
    expect(lineOf({ name: 'errors.429', status: 'failed', detail: 'classified transient' })).toBe(
      '✗ errors.429: classified transient',
    )
    expect(lineOf({ name: 'auth.rotation', status: 'not-applicable', detail: 'static auth' })).toBe(
      '- auth.rotation: not applicable (static auth)',
    )
  })
})
