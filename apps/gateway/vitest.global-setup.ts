// Builds the migrated database templates once per test run (see @ksef-hub/pipeline/testing).
export { default } from '@ksef-hub/pipeline/testing/global-setup'
