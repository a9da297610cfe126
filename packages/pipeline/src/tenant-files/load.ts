/**
 * Reading the tenant files of a folder: one tenant per `.yaml`, `.yml` or `.json` file, checked against the
 * published schema. Every problem names its file and field.
 *
 * @module
 */
import { readdir, readFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { PipelineError } from '../errors.ts'
import { type TenantFile, tenantFileSchema } from './schema.ts'

const EXTENSIONS = new Set(['.yaml', '.yml', '.json'])

/**
 * Parses one tenant file's text.
 *
 * @throws {@link PipelineError} `CONFIGURATION` naming the file and the field
 * @example
 * ```ts
 * const tenant = parseTenantFile('tenants/acme.yaml', text)
 * ```
 */
export function parseTenantFile(path: string, text: string): TenantFile {
  let data: unknown
  try {
    data = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text, { prettyErrors: true })
  } catch (error) {
    throw new PipelineError(
      'CONFIGURATION',
      `${path}: not valid ${extname(path).slice(1).toUpperCase()}: ${(error as Error).message}`,
    )
  }
  const parsed = tenantFileSchema.safeParse(data)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    throw new PipelineError('CONFIGURATION', `${path}: ${problems.join('; ')}`, { file: path, problems })
  }
  return { ...parsed.data, path }
}

/**
 * Loads every tenant file of a folder (none when the folder does not exist).
 *
 * @throws {@link PipelineError} `CONFIGURATION` for an invalid file or two files with the same id
 * @example
 * ```ts
 * const files = await loadTenantFiles('tenants')
 * ```
 */
export async function loadTenantFiles(dir: string): Promise<TenantFile[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  const files: TenantFile[] = []
  for (const name of names.sort()) {
    // The schema sits beside the tenant files; it is not one.
    if (!EXTENSIONS.has(extname(name)) || name.endsWith('.schema.json')) continue
    const path = join(dir, name)
    files.push(parseTenantFile(path, await readFile(path, 'utf8')))
  }
  const seen = new Map<string, string>()
  for (const file of files) {
    const other = seen.get(file.id)
    if (other)
      throw new PipelineError('CONFIGURATION', `${file.path}: tenant id "${file.id}" is also declared in ${other}`)
    seen.set(file.id, file.path)
  }
  return files
}
