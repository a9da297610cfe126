/**
 * Migrated database templates for tests: a fresh PGlite costs seconds (WASM start + initdb + migrations), a
 * copy of a template well under one; on PostgreSQL `CREATE DATABASE ... TEMPLATE` copies in milliseconds.
 *
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import pg from 'pg'
import { openDatabase } from '../db/database.ts'
import { startBoss } from '../queue/boss.ts'

/** The PostgreSQL server tests use (trust auth on this machine kind). */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
/**
 * The name of a project's migrated template database in this test run: projects run their setups at the same time,
 * and two runs on one server (two checkouts, or a developer's run beside CI's) must not drop each other's.
 */
export function postgresTemplateName(project: string): string {
  return `ksef_hub_tpl_${process.pid}_${project.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`.slice(0, 60)
}

/**
 * Drops a template database at the end of its run.
 *
 * @example
 * ```ts
 * await dropPostgresTemplate(postgresTemplateName('packages/pipeline'))
 * ```
 */
export async function dropPostgresTemplate(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL })
  await admin.connect()
  try {
    await admin.query(`drop database if exists ${name} with (force)`)
  } finally {
    await admin.end()
  }
}

/** A URL of the test server with another database name. */
export function postgresUrl(database: string): string {
  const url = new URL(TEST_POSTGRES_URL)
  url.pathname = `/${database}`
  return url.toString()
}

/**
 * Builds a migrated PGlite (with the pg-boss schema installed) and writes its data directory dump to `file`.
 *
 * @example
 * ```ts
 * await buildPgliteTemplate('.data/test/pglite-template.tgz')
 * ```
 */
export async function buildPgliteTemplate(file: string): Promise<void> {
  const database = await openDatabase()
  const boss = await startBoss(database, { supervise: false, schedule: false })
  await boss.stop({ graceful: false, close: false })
  const dump = await (database.pglite as NonNullable<typeof database.pglite>).dumpDataDir('gzip')
  await database.close()
  await mkdir(dirname(file), { recursive: true })
  await writeFile(file, Buffer.from(await dump.arrayBuffer()))
}

/**
 * (Re)creates the migrated template database on the PostgreSQL server.
 *
 * @example
 * ```ts
 * await buildPostgresTemplate(postgresTemplateName('packages/pipeline'))
 * ```
 */
export async function buildPostgresTemplate(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL })
  await admin.connect()
  try {
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.query(`create database ${name}`)
  } finally {
    await admin.end()
  }
  const database = await openDatabase({ url: postgresUrl(name), poolSize: 2 })
  const boss = await startBoss(database, { supervise: false, schedule: false })
  await boss.stop({ graceful: false })
  await database.close()
}
