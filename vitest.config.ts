import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { defineConfig } from 'vitest/config'

// Every workspace package is a project with these shared settings; a package that needs a process-wide setup
// (e.g. building a migrated database template once) provides `vitest.global-setup.ts` at its root.
const roots = ['packages', 'apps', 'plugins']
  .flatMap((dir) => (existsSync(dir) ? readdirSync(dir).map((name) => join(dir, name)) : []))
  .concat('test')
  .filter((root) => existsSync(join(root, 'package.json')))

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: roots.map((root) => ({
      extends: true,
      test: {
        name: root,
        root,
        include: ['**/*.test.ts'],
        exclude: ['**/node_modules/**'],
        ...(existsSync(join(root, 'vitest.global-setup.ts')) ? { globalSetup: ['vitest.global-setup.ts'] } : {}),
      },
    })),
  },
})
