/**
 * `@ksef-hub/ksef-client/testing`: the in-process fake KSeF, sample invoices and throwaway test
 * keys/certificates (generated per process, never committed), for tests of code built on the
 * client (the CLI). End-to-end tests use the simulator instead.
 *
 * @module
 */

export { type FakeKsef, type Fault, type FaultAction, type SeenRequest, startFakeKsef } from './fake-ksef.ts'
export { sampleInvoice } from './sample-invoice.ts'
export {
  fixtureText,
  type TestCertificate,
  type TestCertificateName,
  testCertificate,
} from './test-certificates.ts'
export { fakeClient, type RecordingLogger, recordingLogger } from './test-client.ts'
