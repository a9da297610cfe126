import { execFile } from 'node:child_process'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { officialSamples, SAMPLES_DIR, typicalInvoice } from '@ksef-hub/fa3/testing'
import { beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../cli.ts'
import { captureIo } from '../../io.ts'

let dir: string
const run = async (...args: string[]) => {
  const io = captureIo({ cwd: dir })
  const code = await runCli(args, io)
  return { code, out: io.out(), err: io.err() }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ksef-hub-fa3-'))
  for (const { name, xml } of officialSamples()) await writeFile(join(dir, name), xml)
  const broken = officialSamples()
    .find((sample) => sample.name.includes('01-VAT'))
    ?.xml.replace('<P_14_1>383.33</P_14_1>', '<P_14_1>383.53</P_14_1>')
  await writeFile(join(dir, 'broken.xml'), broken as string)
  await writeFile(join(dir, 'bom.xml'), `\ufeff${officialSamples()[1]?.xml}`)
  await writeFile(join(dir, 'invoice.json'), JSON.stringify(typicalInvoice()))
})

describe('ksef-hub fa3 validate', () => {
  it('accepts every official sample (placeholders filled) with exit code 0', async () => {
    const names = officialSamples().map((sample) => sample.name)
    const result = await run('fa3', 'validate', ...names)
    expect(result.code).toBe(0)
    for (const name of names) expect(result.out).toContain(`${name}: valid`)
  })

  it('rejects a broken invoice with exit code 1, naming the line and field', async () => {
    const result = await run('fa3', 'validate', 'broken.xml')
    expect(result.code).toBe(1)
    expect(result.out).toContain('broken.xml: invalid')
    expect(result.out).toMatch(/error: \/Faktura\/Fa\/P_14_1: VAT P_14_1 is 383\.53, .* \[TOTAL_VAT_MISMATCH\]/)
  })

  it('exits with 2 for unreadable input: a missing file or a BOM', async () => {
    const missing = await run('fa3', 'validate', 'nope.xml')
    expect(missing.code).toBe(2)
    expect(missing.err).toContain('nope.xml: cannot read: no such file')
    const bom = await run('fa3', 'validate', 'bom.xml')
    expect(bom.code).toBe(2)
    expect(bom.out).toMatch(/bom\.xml: unreadable\n {2}error: .*byte order mark.* \[XML_BOM\]/)
  })

  it('reports the worst outcome over several files and prints JSON on request', async () => {
    const result = await run('fa3', 'validate', '--json', 'fa3-minimal-valid.xml', 'broken.xml')
    expect(result.code).toBe(1)
    const lines = result.out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines.map((line) => [line.file, line.valid])).toEqual([
      ['fa3-minimal-valid.xml', true],
      ['broken.xml', false],
    ])
    expect(lines[1].issues[0]).toMatchObject({ code: 'TOTAL_VAT_MISMATCH', xmlPath: '/Faktura/Fa/P_14_1' })
  })
})

describe('ksef-hub fa3 parse and build', () => {
  it('parses XML into the JSON model and builds it back', async () => {
    const parsed = await run('fa3', 'parse', 'fa3-mf-example-02-KOR.xml')
    expect(parsed.code).toBe(0)
    const model = JSON.parse(parsed.out)
    expect(model.details).toMatchObject({ type: 'KOR', number: 'FK2026/03/200' })
    await writeFile(join(dir, 'kor.json'), parsed.out)
    const built = await run('fa3', 'build', '--out', 'kor.xml', 'kor.json')
    expect(built.code).toBe(0)
    expect(built.err).toMatch(/valid, with warnings\n {2}warning: .*KSEF_NUMBER_INVALID/)
    expect((await run('fa3', 'parse', 'kor.xml')).out).toBe(parsed.out)
  })

  it('builds a JSON model into XML on standard output', async () => {
    const result = await run('fa3', 'build', 'invoice.json')
    expect(result.code).toBe(0)
    expect(result.err).toBe('')
    expect(result.out).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Faktura xmlns=/)
    expect(result.out).toContain('    <P_2>FV/2026/11/0001</P_2>')
  })

  it('refuses to build an invalid model and writes nothing', async () => {
    const invoice = typicalInvoice()
    await writeFile(
      join(dir, 'bad.json'),
      JSON.stringify({ ...invoice, details: { ...invoice.details, currency: 'XYZ' } }),
    )
    const result = await run('fa3', 'build', '--out', 'bad.xml', 'bad.json')
    expect(result.code).toBe(1)
    expect(result.err).toMatch(/details\.currency is not one of the 182 allowed codes/)
    await expect(readFile(join(dir, 'bad.xml'))).rejects.toThrow(/ENOENT/)
    await writeFile(join(dir, 'garbage.json'), '{ not json')
    expect((await run('fa3', 'build', 'garbage.json')).code).toBe(2)
  })
})

describe('the real process', () => {
  it('`pnpm -s ksef-hub fa3 validate` prints only its own output and exits with the right code', async () => {
    const exec = promisify(execFile)
    const file = join(SAMPLES_DIR, 'fa3-mf-example-01-VAT.xml')
    const ok = await exec('pnpm', ['-s', 'ksef-hub', 'fa3', 'validate', file])
    expect(ok.stdout).toBe(`${file}: valid\n`)
    expect(ok.stderr).toBe('')
    const failed = await exec('pnpm', ['-s', 'ksef-hub', 'fa3', 'validate', join(dir, 'broken.xml')]).catch(
      (error: { code: number; stdout: string }) => error,
    )
    expect('code' in failed && failed.code).toBe(1)
  })
})
