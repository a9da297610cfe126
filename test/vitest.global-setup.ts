// Builds the migrated database templates once per test run (see packages/pipeline/src/testing/global-setup.ts).
export { default } from '@ksef-hub/pipeline/testing/global-setup'
