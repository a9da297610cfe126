import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LOCK_FILE, lockDataDir } from './data-dir-lock.ts'
import { openDatabase } from './database.ts'

const dirs: string[] = []
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ksef-hub-lock-'))
  dirs.push(dir)
  return dir
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

// The pid of a process that has already exited.
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])
  return Number(child.stdout.toString())
}

describe('the embedded database folder lock', () => {
  it('lets one holder in and tells the next which process holds the folder', async () => {
    const dir = await freshDir()
    const lock = await lockDataDir(dir)
    await expect(lockDataDir(dir)).rejects.toMatchObject({
      code: 'DATABASE_IN_USE',
      message: expect.stringContaining(`in use by process ${process.pid}`),
    })
    await lock.release()
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false)
    const again = await lockDataDir(dir)
    await again.release()
  })

  it('takes over the lock of a process that died without releasing it (a crash, SIGKILL)', async () => {
    const dir = await freshDir()
    const pid = deadPid()
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid, host: hostname(), since: '2026-12-01T00:00:00Z' }))
    const lock = await lockDataDir(dir)
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid })
    await lock.release()
  })

  it('takes over an unreadable lock file (the holder crashed while writing it)', async () => {
    const dir = await freshDir()
    await writeFile(join(dir, LOCK_FILE), '{"pi')
    const lock = await lockDataDir(dir)
    await lock.release()
  })

  it('does not remove a lock another process took over meanwhile', async () => {
    const dir = await freshDir()
    const lock = await lockDataDir(dir)
    const other = { pid: deadPid(), host: hostname(), since: '2026-12-06T00:00:00Z' }
    await writeFile(join(dir, LOCK_FILE), JSON.stringify(other))
    await lock.release()
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toEqual(other)
  })

  it('keeps a second opener of the same PGlite folder out, and lets it in once the first closes', async () => {
    const dir = await freshDir()
    const first = await openDatabase({ dataDir: dir })
    await expect(openDatabase({ dataDir: dir })).rejects.toMatchObject({ code: 'DATABASE_IN_USE' })
    // The refused opener touched nothing: the first still works.
    const tenants = await first.db.selectFrom('tenants').select('id').execute()
    expect(tenants).toEqual([])
    await first.close()
    const second = await openDatabase({ dataDir: dir })
    expect(await second.db.selectFrom('tenants').select('id').execute()).toEqual([])
    await second.close()
  }, 60_000)
})
