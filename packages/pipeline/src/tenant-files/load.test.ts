import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tenantFileJsonSchema } from './json-schema.ts'
import { loadTenantFiles, parseTenantFile } from './load.ts'

const ROOT = join(import.meta.dirname, '..', '..', '..', '..')

describe('tenant files', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tenants-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('reads YAML and JSON files, skipping the schema and other files', async () => {
    await writeFile(
      join(dir, 'acme.yaml'),
      'id: acme\nname: Acme\nnip: "5265877635"\nenvironment: test\ncredentials:\n  ksefToken: { env: ACME_TOKEN }\n',
    )
    await writeFile(
      join(dir, 'beta.json'),
      JSON.stringify({ id: 'beta', name: 'Beta', nip: '9999999999', environment: 'demo' }),
    )
    await writeFile(join(dir, 'tenant.schema.json'), '{}')
    await writeFile(join(dir, 'README.md'), '# tenants')
    const files = await loadTenantFiles(dir)
    expect(files.map((file) => [file.id, file.environment])).toEqual([
      ['acme', 'test'],
      ['beta', 'demo'],
    ])
    expect(files[0]?.credentials.ksefToken).toEqual({ env: 'ACME_TOKEN' })
    expect(await loadTenantFiles(join(dir, 'missing'))).toEqual([])
  })

  it('names the file and the field at fault, and refuses a secret written in the file', () => {
    expect(() => parseTenantFile('t.yaml', 'id: x\nname: X\nnip: "12"\nenvironment: test\n')).toThrow(
      /t\.yaml: .*id: must be 2-63.*nip: must be 10 digits/,
    )
    expect(() =>
      parseTenantFile(
        't.yaml',
        'id: acme\nname: A\nnip: "5265877635"\nenvironment: test\ncredentials:\n  ksefToken: plain-token\n',
      ),
    ).toThrow(/credentials\.ksefToken/)
    expect(() => parseTenantFile('t.yaml', 'id: acme\nname: A\nnip: "5265877635"\nenvironment: staging\n')).toThrow(
      /environment/,
    )
    expect(() => parseTenantFile('t.json', '{')).toThrow(/t\.json: not valid JSON/)
  })

  it('refuses two files declaring the same tenant', async () => {
    const twice = await mkdtemp(join(tmpdir(), 'tenants-'))
    const text = 'id: acme\nname: Acme\nnip: "5265877635"\nenvironment: test\n'
    await writeFile(join(twice, 'a.yaml'), text)
    await writeFile(join(twice, 'b.yml'), text)
    await expect(loadTenantFiles(twice)).rejects.toThrow(/also declared in/)
    await rm(twice, { recursive: true })
  })

  it('publishes the JSON Schema in tenants/tenant.schema.json, in step with the code, and the demo file passes it', async () => {
    // The connections part comes from the installed connectors: the worker's registry test compares that part.
    const { connectors: _published, ...published } = JSON.parse(
      await readFile(join(ROOT, 'tenants', 'tenant.schema.json'), 'utf8'),
    ).properties
    const { connectors: _generated, ...generated } = tenantFileJsonSchema().properties as Record<string, unknown>
    expect(published).toEqual(generated)
    const files = await loadTenantFiles(join(ROOT, 'tenants'))
    expect(files.map((file) => file.id)).toContain('demo')
  })
})
