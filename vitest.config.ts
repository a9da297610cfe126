import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { defineConfig } from 'vitest/config'

// Every workspace package is a project with these shared settings; a package that needs a process-wide setup
// (e.g. building a migrated database template once) provides `vitest.global-setup.ts` at its root.
const roots = ['packages', 'apps', 'plugins']
  .flatMap((dir) => (existsSync(dir) ? readdirSync(dir).map((name) => join(dir, name)) : []))
  .concat('test')
  .filter((root) => existsSync(join(root, 'package.json')))

// Most test files wait on I/O (a simulator, a database, a worker's next poll), so more files run at once than
// there are cores. The chaos tests run real processes flat out and kill them on a schedule: they run last, one at
// a time, with the machine to themselves.
const CONCURRENT_FILES = 3
const CHAOS = 'chaos/**/*.test.ts'
// The connectors' end-to-end runs last minutes each, mostly waiting out a source's outage: a project of their own
// in the first group, beside the others (projects that run together share one pool, so vitest wants the same
// maxWorkers for them). Vitest orders projects by name, so they start last. Starting them first was tried: the
// suite took 13 minutes instead of 17, but their busy phases beside everything else made timing tests fail
// (dead letters, the shared KSeF limiter on PGlite).
const LONG_E2E = 'connectors/{custom-*,business-central}.test.ts'

const project = (root: string) => {
  const globalSetup = existsSync(join(root, 'vitest.global-setup.ts'))
    ? { globalSetup: ['vitest.global-setup.ts'] }
    : {}
  const base = { root, exclude: ['**/node_modules/**'], ...globalSetup }
  if (root !== 'test') {
    return [{ extends: true, test: { name: root, include: ['**/*.test.ts'], maxWorkers: CONCURRENT_FILES, ...base } }]
  }
  return [
    {
      extends: true,
      test: {
        name: 'test',
        include: ['**/*.test.ts'],
        ...base,
        exclude: [...base.exclude, CHAOS, LONG_E2E],
        maxWorkers: CONCURRENT_FILES,
      },
    },
    { extends: true, test: { name: 'test/connectors', include: [LONG_E2E], ...base, maxWorkers: CONCURRENT_FILES } },
    {
      extends: true,
      test: { name: 'test/chaos', include: [CHAOS], ...base, maxWorkers: 1, sequence: { groupOrder: 1 } },
    },
  ]
}

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: roots.flatMap(project),
  },
})
