/**
 * Test support for code built on the pipeline: a fresh migrated database (PGlite or PostgreSQL) per test file
 * and a pipeline context on it. A package using it re-exports `@ksef-hub/pipeline/testing/global-setup` from
 * its own `vitest.global-setup.ts`.
 *
 * @module
 */
export { type Backend, testBackends } from './backends.ts'
export { type TestConnectorCalls, testConnector } from './connectors.ts'
export { type ContextOptions, contextOn } from './context.ts'
export { openTestContext, openTestDatabase, type TestContext, type TestDatabase } from './database.ts'
export { type HeldIntakePool, heldIntakePool } from './held-intake.ts'
export { measurePostgresCpu } from './postgres-cpu.ts'
