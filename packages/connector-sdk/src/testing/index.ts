/**
 * `@ksef-hub/connector-sdk/testing`: the conformance kit. A plugin gives it a harness (its connector and a way to
 * start its fake system); the kit runs the shared contract against the two and reports one result per check.
 *
 * - {@link runConformance}: every check, as data (the CLI's `ksef-hub connector check` prints them)
 * - {@link describeConformance}: the same as vitest tests, one per check
 * - {@link startFakeServer}: the HTTP plumbing of a fake (127.0.0.1, injected failures, hangs)
 * - the parts fakes share: {@link createClock}, {@link listenerOf}, {@link FaultQueue}, {@link readBody}, {@link generator}
 * - the in-memory host the kit runs connectors in, and {@link connectorTestContext} over it, for a plugin's own tests
 *
 * @module
 */
export { createClock, type FakeClock } from './clock.ts'
export { describeConformance } from './describe.ts'
export { callFake, type FakeAnswer, type FakeCallInit, isJsonContentType } from './fake-call.ts'
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
  type CommonFaultKind,
  type Fault,
  type FaultMatch,
  type FaultOptions,
  FaultQueue,
  slowAnswer,
} from './faults.ts'
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
export { type Listener, listenerOf, type Outage, type OutageMode, outageOf } from './listener.ts'
export { startedPerTest } from './per-test.ts'
export {
  CHECK_NAMES,
  type CheckName,
  type CheckResult,
  type ConformanceOptions,
} from './results.ts'
export { type ConformanceSession, createConformanceSession, runConformance } from './run.ts'
export { addDays, generator, nipOf } from './seeding.ts'
export { type ConnectorTestContext, type ConnectorTestOptions, connectorTestContext } from './test-context.ts'
