/**
 * describeConformance declares one vitest test per check (these are Ledgerly's), and the kit's entry point loads
 * without vitest, as `ksef-hub connector check` runs it outside vitest.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ledgerlyHarness } from './example/harness.ts'
import { describeConformance } from './index.ts'

await describeConformance(ledgerlyHarness, { only: ['declaration', 'writeBack.once', 'webhooks.replayed'] })

const run = promisify(execFile)

// Resolving vitest from anywhere throws in the child process: what loads must not need it.
const REFUSE_VITEST = `import { registerHooks } from 'node:module'
registerHooks({ resolve(specifier, context, next) {
  if (specifier === 'vitest' || specifier.startsWith('vitest/')) throw new Error('vitest was loaded')
  return next(specifier, context)
} })`

describe('the kit outside vitest', () => {
  it('runs runConformance with vitest unloadable, and only describeConformance needs it', async () => {
    const script = `
      const kit = await import(${JSON.stringify(new URL('./index.ts', import.meta.url).href)})
      const { ledgerlyHarness } = await import(${JSON.stringify(new URL('./example/harness.ts', import.meta.url).href)})
      const results = await kit.runConformance(ledgerlyHarness, { only: ['declaration'] })
      const described = await kit.describeConformance(ledgerlyHarness).then(() => 'declared', (error) => error.message)
      console.log(JSON.stringify({ statuses: results.map((result) => result.status), described }))`
    const { stdout } = await run(process.execPath, [
      '--import',
      `data:text/javascript,${encodeURIComponent(REFUSE_VITEST)}`,
      '--input-type=module',
      '--eval',
      script,
    ])
    expect(JSON.parse(stdout)).toEqual({ statuses: ['passed'], described: 'vitest was loaded' })
  })
})
