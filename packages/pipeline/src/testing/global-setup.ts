/**
 * Builds the migrated database templates once per test run (see src/testing/template.ts).
 */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { testBackends } from './backends.ts'
import { buildPgliteTemplate, buildPostgresTemplate, dropPostgresTemplate, postgresTemplateName } from './template.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string
    postgresTemplate: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const file = join(
    import.meta.dirname,
    '..',
    '..',
    '..',
    '..',
    '.data',
    'test',
    `pglite-template-${process.pid}-${postgresTemplateName(project.name)}.tgz`,
  )
  const backends = testBackends()
  if (backends.includes('pglite')) await buildPgliteTemplate(file)
  const postgresTemplate = postgresTemplateName(project.name)
  if (backends.includes('postgres')) await buildPostgresTemplate(postgresTemplate)
  project.provide('pgliteTemplate', file)
  project.provide('postgresTemplate', postgresTemplate)
  return async () => {
    await rm(file, { force: true })
    if (backends.includes('postgres')) await dropPostgresTemplate(postgresTemplate)
  }
}
