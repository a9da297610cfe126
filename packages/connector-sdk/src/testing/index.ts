/**
 * `@ksef-hub/connector-sdk/testing`: the conformance kit. A plugin gives it a harness (its connector and a way to
 * start its fake system); the kit runs the shared contract against the two and reports one result per check.
 *
 * - {@link runConformance}: every check, as data (the CLI's `ksef-hub connector check` prints them)
 * - {@link describeConformance}: the same as vitest tests, one per check
 * - {@link startFakeServer}: the HTTP plumbing of a fake (127.0.0.1, injected failures, hangs)
 * - the in-memory host the kit runs connectors in, for a plugin's own tests
 *
 * @module
 */
export { describeConformance } from './describe.ts'
export {
  BodyTooLarge,
  type FakeHandler,
  type FakeRequest,
  type FakeResponse,
  type FakeServer,
  type FakeServerOptions,
  readBody,
  startFakeServer,
} from './fake-server.ts'
export {
  defaultSupplierNip,
  incomingInvoiceFor,
  ksefNumberFor,
  type SentAs,
  withCreatedAt,
  writeBackResultFor,
} from './fixtures.ts'
export type { ConformanceFake, ConformanceHarness, ExpectedInvoice, FakeFailure } from './harness.ts'
export {
  createCapturingLogger,
  createMemoryCredentialStore,
  createMemoryHubLookup,
  createMemoryReplayGuard,
  createRecordingFetch,
  createTimeline,
  findSecretLeaks,
  type MemoryCredentialStore,
  type MemoryHubLookup,
  redactLine,
  type SecretLeak,
  secretValues,
  type Timeline,
  type TimelineEntry,
  type TimelineEvent,
} from './host.ts'
export { type Listener, listenerOf } from './listener.ts'
export {
  CHECK_NAMES,
  type CheckName,
  type CheckResult,
  type ConformanceOptions,
} from './results.ts'
export { type ConformanceSession, createConformanceSession, runConformance } from './run.ts'
export { addDays, generator, nipOf } from './seeding.ts'
