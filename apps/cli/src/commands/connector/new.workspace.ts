/**
 * A throwaway workspace for the tests of `connector new` and `connector check`: a temporary folder shaped like the
 * repository (its `tsconfig.base.json` and `biome.json` copied, `@types/node` linked), where `connector new` writes
 * a plugin whose dependencies are then linked the way pnpm links them: a workspace package to its folder, anything
 * else to its exact version in the repository's `node_modules/.pnpm` store.
 *
 * @module
 */
import { execFile } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { captureIo } from '../../io.ts'
import { newCommand } from './new.ts'

/** The repository this file is in. */
export const REPO = fileURLToPath(new URL('../../../../../', import.meta.url))

const run = promisify(execFile)

/** A temporary workspace holding one generated plugin. */
export interface Workspace {
  readonly root: string
  /** `plugins/<name>` under the root. */
  readonly plugin: string
  /** What `connector new` printed and its exit code. */
  readonly created: { readonly code: number; readonly out: string; readonly err: string }
  remove(): Promise<void>
}

async function workspacePackages(): Promise<Map<string, string>> {
  const found = new Map<string, string>()
  for (const group of ['packages', 'apps', 'plugins']) {
    const names = await readdir(join(REPO, group)).catch(() => [] as string[])
    for (const name of names) {
      const manifest = await readFile(join(REPO, group, name, 'package.json'), 'utf8').catch(() => undefined)
      if (manifest) found.set((JSON.parse(manifest) as { name: string }).name, join(REPO, group, name))
    }
  }
  return found
}

/** pnpm's store folder of `name@version`: `zod@4.6.7`, `vitest@5.1.1_<peers>`, `@scope+name@1.0.0`. */
async function storeFolder(name: string, version: string): Promise<string> {
  const store = join(REPO, 'node_modules', '.pnpm')
  const prefix = `${name.replace('/', '+')}@${version}`
  const entry = (await readdir(store)).find((item) => item === prefix || item.startsWith(`${prefix}_`))
  if (!entry) throw new Error(`${name}@${version} is not in ${store}: run pnpm install in the repository`)
  return join(store, entry, 'node_modules', name)
}

/**
 * Links the plugin's dependencies into its `node_modules`, as `pnpm install` would.
 *
 * @example
 * ```ts
 * await linkDependencies('/tmp/ws/plugins/acme')
 * ```
 */
export async function linkDependencies(plugin: string): Promise<void> {
  const manifest = JSON.parse(await readFile(join(plugin, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>
    devDependencies?: Record<string, string>
  }
  const local = await workspacePackages()
  for (const [name, version] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
    const target = version.startsWith('workspace:') ? local.get(name) : await storeFolder(name, version)
    if (!target) throw new Error(`${name} is not a package of this workspace`)
    const link = join(plugin, 'node_modules', name)
    await mkdir(join(link, '..'), { recursive: true })
    await symlink(target, link, 'dir')
  }
}

/**
 * Creates a workspace and runs `connector new <name>` in it (dependencies linked when it succeeded).
 *
 * @example
 * ```ts
 * const workspace = await createWorkspace('acme-erp')
 * try { ... } finally { await workspace.remove() }
 * ```
 */
export async function createWorkspace(name: string, args: string[] = []): Promise<Workspace> {
  const root = await mkdtemp(join(tmpdir(), 'ksef-hub-connector-'))
  await copyFile(join(REPO, 'tsconfig.base.json'), join(root, 'tsconfig.base.json'))
  await copyFile(join(REPO, 'biome.json'), join(root, 'biome.json'))
  await mkdir(join(root, 'node_modules', '@types'), { recursive: true })
  await symlink(join(REPO, 'node_modules', '@types', 'node'), join(root, 'node_modules', '@types', 'node'), 'dir')
  const io = captureIo({ cwd: root })
  const code = await newCommand.run([name, ...args], io)
  const plugin = join(root, 'plugins', name)
  if (code === 0) await linkDependencies(plugin)
  return {
    root,
    plugin,
    created: { code, out: io.out(), err: io.err() },
    remove: () => rm(root, { recursive: true, force: true }),
  }
}

/**
 * Runs the repository's biome (check: lint and format) or tsc on the workspace, returning exit code and output.
 *
 * @example
 * ```ts
 * const { code, output } = await tool(workspace, 'tsc', ['-p', 'plugins/acme'])
 * ```
 */
export async function tool(
  workspace: Workspace,
  name: 'biome' | 'tsc',
  args: string[],
): Promise<{ code: number; output: string }> {
  const bin =
    name === 'tsc'
      ? [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc')]
      : [join(REPO, 'node_modules', '@biomejs', 'biome', 'bin', 'biome'), 'check', '--vcs-enabled=false']
  try {
    const { stdout, stderr } = await run(process.execPath, [...bin, ...args], { cwd: workspace.root, timeout: 120_000 })
    return { code: 0, output: stdout + stderr }
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof failed.code === 'number' ? failed.code : 1, output: `${failed.stdout}${failed.stderr}` }
  }
}
