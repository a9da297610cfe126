/**
 * The Ledgerly example's harness, as a plugin's `conformance.ts` exports it.
 *
 * @module
 */
import type { ConformanceHarness } from '../harness.ts'
import { ledgerly } from './connector.ts'
import { startLedgerlyFake } from './fake.ts'

/** Ledgerly and its fake. */
export const ledgerlyHarness: ConformanceHarness = { connector: ledgerly, start: startLedgerlyFake }
